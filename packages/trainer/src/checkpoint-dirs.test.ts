import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkpointsToDelete,
  latestCheckpoint,
  listCheckpoints,
  removeLeftovers,
} from './checkpoint-dirs.js';

describe('checkpoint folders', () => {
  it('keeps the newest `limit` plus the best', () => {
    expect(checkpointsToDelete([10, 20, 30, 40], 2, 10)).toEqual([20]);
    expect(checkpointsToDelete([10, 20, 30, 40], 2, 40)).toEqual([10, 20]);
    expect(checkpointsToDelete([10, 20, 30, 40], 1, null)).toEqual([10, 20, 30]);
    expect(checkpointsToDelete([10, 20], undefined, null)).toEqual([]);
  });

  it('lists complete checkpoints by step (not lexically), ignoring temp folders; recovers or removes leftovers', async () => {
    const d = await mkdtemp(join(tmpdir(), 'selfevo-ckdirs-'));
    try {
      expect(await latestCheckpoint(d)).toBeNull();
      for (const n of [
        'checkpoint-9',
        'checkpoint-10',
        'checkpoint-11.tmp-1-x',
        'checkpoint-10.old-3-z',
        'other',
      ])
        await mkdir(join(d, n));
      // killed while replacing checkpoint-8: only the moved-aside previous version exists
      await mkdir(join(d, 'checkpoint-8.old-2-y'));
      await writeFile(join(d, 'checkpoint-8.old-2-y', 'marker'), 'previous 8');
      expect((await listCheckpoints(d)).map((c) => c.step)).toEqual([9, 10]);
      expect(await latestCheckpoint(d)).toBe(join(d, 'checkpoint-10'));
      await removeLeftovers(d);
      expect((await readdir(d)).sort()).toEqual(['checkpoint-10', 'checkpoint-8', 'checkpoint-9', 'other']);
      expect(await readFile(join(d, 'checkpoint-8', 'marker'), 'utf8')).toBe('previous 8');
      expect(await listCheckpoints(join(d, 'missing'))).toEqual([]);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
