import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('outside vitest', () => {
  it('stage 1, stage 2 and SE/MLM steps run under plain Node (tsx) on cpu and wasm, with equal losses', () => {
    const stdout = execFileSync('npx', ['tsx', join(here, 'test-fixtures', 'plain-node-se-step.ts')], {
      cwd: join(here, '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const res = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number[]>;
    expect(res.cpu.length).toBe(5);
    for (const v of res.cpu) expect(Number.isFinite(v)).toBe(true);
    // Losses go down on a fixed batch, and both backends agree.
    expect(res.cpu[2]).toBeLessThan(res.cpu[0]);
    for (let i = 0; i < 5; i++) expect(Math.abs(res.wasm[i] - res.cpu[i])).toBeLessThan(1e-3);
  });
});
