import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('outside vitest', () => {
  it('every loss has a gradient under plain Node (tsx) on cpu and wasm', () => {
    const stdout = execFileSync('npx', ['tsx', join(here, 'test-fixtures', 'plain-node-gradients.ts')], {
      cwd: join(here, '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = stdout.trim().split('\n').at(-1)!;
    const sums = JSON.parse(line) as Record<string, number>;
    expect(Object.keys(sums).length).toBe(14);
    for (const name of ['ce', 'ls', 'rsl', 'soft', 'mse', 'kl']) {
      expect(sums[`cpu.${name}`]).toBeGreaterThan(0);
      expect(Math.abs(sums[`wasm.${name}`] - sums[`cpu.${name}`])).toBeLessThan(1e-5);
    }
    expect(sums['cpu.empty']).toBe(0);
    expect(sums['wasm.empty']).toBe(0);
  });
});
