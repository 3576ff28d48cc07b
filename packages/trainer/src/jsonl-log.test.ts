import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('bounds a line and the whole file, naming the file and line', async () => {
    const huge = `{"type":"train","step":2,"note":"${'x'.repeat(2 ** 20 + 10)}"}`;
    let err: unknown;
    try {
      parseJsonlLog(`{"step":1}\n${huge}\n`, 'big.jsonl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingLogError);
    expect((err as TrainingLogError).file).toBe('big.jsonl');
    expect((err as TrainingLogError).line).toBe(2);
    expect((err as Error).message).toMatch(/^big\.jsonl:2: line of \d+ bytes is over the 1048576-byte limit/);
    // a limit of one's own, on text and bytes
    expect(() => parseJsonlLog('{"step":1}\n{"step":22}\n', 'l', { maxLineBytes: 10 })).toThrow(
      /^l:2: line of 11 bytes/,
    );
    expect(() => parseJsonlLog(new TextEncoder().encode('{"step":1}\n'), 'b', { maxBytes: 5 })).toThrow(
      /^b: 11 bytes, over the 5-byte limit/,
    );
    const d = await mkdtemp(join(tmpdir(), 'selfevo-jsonl-'));
    try {
      const f = join(d, 'log.jsonl');
      await writeFile(f, '{"step":1}\n'.repeat(100));
      await expect(readJsonlLog(f, { maxBytes: 1000 })).rejects.toThrow(
        `${f}: 1100 bytes, over the 1000-byte limit`,
      );
      expect(await readJsonlLog(f, { maxBytes: 1100 })).toHaveLength(100);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('refuses invalid UTF-8, non-scalar values and impossible steps, naming the line', () => {
    const bytes = Uint8Array.from([
      ...new TextEncoder().encode('{"step":1}\n{"step":2,"type":"tr'),
      0xff,
      ...new TextEncoder().encode('ain"}\n'),
    ]);
    expect(() => parseJsonlLog(bytes, 'u.jsonl')).toThrow(/^u\.jsonl:2: not valid UTF-8/);
    const bad: [string, RegExp][] = [
      ['{"step":1e999}', /step must be an integer >= 0, got Infinity/],
      ['{"step":-1}', /step must be an integer >= 0, got -1/],
      ['{"step":1.5}', /step must be an integer >= 0, got 1.5/],
      ['{"step":"1"}', /step must be an integer >= 0, got "1"/],
      ['{"step":1,"type":"bogus"}', /type must be "train" or "eval", got "bogus"/],
      ['{"step":1,"epoch":-2}', /epoch must be a finite number >= 0, got -2/],
      ['{"step":1,"loss":{"a":1}}', /loss must be a number, string, boolean or null, got \{"a":1\}/],
      ['{"step":1,"loss":[1,2]}', /loss must be a number, string, boolean or null/],
      [`${'['.repeat(100000)}${']'.repeat(100000)}`, /expected an object with a numeric "step"/],
      ['null', /expected an object with a numeric "step"/],
    ];
    for (const [line, re] of bad) {
      expect(() => parseJsonlLog(`{"step":0}\n${line}\n`, 'r.jsonl'), line.slice(0, 40)).toThrow(
        TrainingLogError,
      );
      expect(() => parseJsonlLog(`{"step":0}\n${line}\n`, 'r.jsonl'), line.slice(0, 40)).toThrow(re);
      expect(() => parseJsonlLog(`{"step":0}\n${line}\n`, 'r.jsonl')).toThrow(/^r\.jsonl:2: /);
    }
  });

  it('a folder, a FIFO or a missing file is a TrainingLogError (a FIFO is not opened: no hang)', async () => {
    const d = await mkdtemp(join(tmpdir(), 'selfevo-jsonl-'));
    try {
      await mkdir(join(d, 'dir.jsonl'));
      await expect(readJsonlLog(join(d, 'dir.jsonl'))).rejects.toThrow(/not a regular file/);
      execFileSync('mkfifo', [join(d, 'fifo.jsonl')]);
      await expect(readJsonlLog(join(d, 'fifo.jsonl'))).rejects.toThrow(TrainingLogError);
      await expect(readJsonlLog(join(d, 'missing.jsonl'))).rejects.toThrow(TrainingLogError);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  }, 10_000);
});
