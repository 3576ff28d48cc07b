import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('outside vitest', () => {
  it('the built package trains, saves, loads, distils under plain `node` on cpu and wasm', () => {
    // Runs the built package: `npm test` builds dist first (turbo's test task depends on build);
    // when running vitest by hand, build first (`npx tsc -p tsconfig.build.json`). Tests never
    // write dist themselves (.ci/check-clean.sh).
    const stdout = execFileSync('node', [join(pkg, 'src', 'test-fixtures', 'plain-node.mjs')], {
      cwd: pkg,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
    for (const b of ['cpu', 'wasm']) {
      const losses = r[b].losses as number[];
      expect(losses.at(-1)).toBeLessThan(losses[0]);
      expect(r[b].loadedEqual).toBe(true);
      expect(r[b].best).toBe('a'); // the prompt itself, saved and loaded, is the most similar source
      expect(Number.isFinite(r[b].kdLoss)).toBe(true);
      expect(Math.abs(r[b].sim)).toBeLessThanOrEqual(1);
    }
    for (let i = 0; i < 8; i++) expect(Math.abs(r.wasm.losses[i] - r.cpu.losses[i])).toBeLessThan(1e-4);
    expect(r.wasm.hash).toBe(r.cpu.hash); // same seed, same weights, same fingerprint on both backends
    expect(Math.abs(r.wasm.sim - r.cpu.sim)).toBeLessThan(1e-4);
    expect(r.tensors).toBe(0); // everything disposed
  });
});
