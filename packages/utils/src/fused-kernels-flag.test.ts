import { describe, expect, it } from 'vitest';
import { type FlagEnvironment, FUSED_KERNELS_FLAG, fusedKernelsEnabled } from './fused-kernels-flag.js';

/** tfjs's Environment in miniature: getBool throws for an unregistered flag; set values win. */
function fakeEnv(): FlagEnvironment & { set(name: string, v: boolean): void; registered: string[] } {
  const fns = new Map<string, () => boolean>();
  const values = new Map<string, boolean>();
  return {
    registered: [],
    getBool(name) {
      if (values.has(name)) return values.get(name)!;
      const fn = fns.get(name);
      if (fn == null) throw new Error(`Cannot evaluate flag '${name}': no evaluation function found.`);
      return fn();
    },
    registerFlag(name, fn) {
      this.registered.push(name);
      fns.set(name, fn);
    },
    set(name, v) {
      values.set(name, v);
    },
  };
}

describe('fusedKernelsEnabled', () => {
  it('registers the flag once, default on, and then follows what was set', () => {
    const env = fakeEnv();
    expect(fusedKernelsEnabled(env)).toBe(true);
    expect(fusedKernelsEnabled(env)).toBe(true);
    expect(env.registered).toEqual([FUSED_KERNELS_FLAG]);
    env.set(FUSED_KERNELS_FLAG, false);
    expect(fusedKernelsEnabled(env)).toBe(false);
  });
});
