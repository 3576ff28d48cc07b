import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const built = existsSync(join(here, '..', 'dist', 'index.js'));

// Runs the built package from plain Node (no TS loader). `turbo run test` builds first; a bare
// `vitest run` without a build skips this file and says so.
describe.skipIf(!built)('built package from plain Node (needs `npm run build -w @selfevo/trainer`)', () => {
  it('trains data-parallel, writes the log, and leaves no worker', async () => {
    const out = await mkdtemp(join(tmpdir(), 'selfevo-smoke-'));
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [join(here, 'test-fixtures', 'plain-node-smoke.mjs'), out],
        { timeout: 60_000 },
      );
      const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
      expect(r.step).toBe(40);
      expect(r.lastLoss).toBeLessThan(r.firstLoss / 4);
      expect(r.liveWorkers).toBe(0);
      expect(stderr).toMatch(/step 40\/40 \| epoch 10 \| loss /); // plain progress lines (not a TTY)
      expect(r.logLines).toBe(8); // logEverySteps 5 over 40 steps
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
