import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainingLogError } from './errors.js';
import { JsonlLogWriter, parseJsonlLog, readJsonlLog } from './jsonl-log.js';

describe('JSONL log', () => {
  it('skips a partial last line (killed while appending) but rejects a broken middle line', () => {
    const ok = '{"type":"train","step":1,"loss":1}\n{"type":"train","step":2,"loss":0.5}\n{"type":"tr';
    expect(parseJsonlLog(ok).map((r) => r.step)).toEqual([1, 2]);
    expect(() => parseJsonlLog('{"step":1}\n{oops\n{"step":3}\n', 'x.jsonl')).toThrow(
      /x\.jsonl:2: not valid JSON/,
    );
    expect(() => parseJsonlLog('[1]\n')).toThrow(TrainingLogError);
  });

  it('appends records and truncates after a step on resume', async () => {
    const d = await mkdtemp(join(tmpdir(), 'selfevo-jsonl-'));
    try {
      const w = new JsonlLogWriter(join(d, 'log.jsonl'));
      await w.reset();
      for (let s = 1; s <= 5; s++)
        await w.append({ type: 'train', step: s, epoch: 0, elapsed_ms: 0, loss: 1 / s });
      await writeFile(w.path, `${await readFile(w.path, 'utf8')}{"type":"train","st`);
      await w.truncateAfter(3);
      expect((await readJsonlLog(w.path)).map((r) => r.step)).toEqual([1, 2, 3]);
      expect((await readFile(w.path, 'utf8')).endsWith('\n')).toBe(true);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
