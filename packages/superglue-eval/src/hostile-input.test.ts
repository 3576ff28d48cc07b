// Hostile inputs to the scorer and the submission reader: unknown task names, large bad
// prediction files, deep JSON, zip bombs and lying zip headers — each a typed error or a report,
// never a TypeError, a stack overflow or a memory blow-up.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnknownTaskError, ZipLimitError } from '@selfevo/superglue-tasks';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { majorityBaseline, majorityLabel, randomBaseline } from './baselines.js';
import { goldFromRecords } from './data/gold.js';
import { readGoldFile, referenceFilePath } from './data/gold-file.js';
import { parseJsonl } from './data/jsonl.js';
import { DataFormatError, EvalOptionError, InputLimitError } from './errors.js';
import { parseSubmissionLabel, toSubmissionLabel } from './labels.js';
import { leaderboardScore } from './leaderboard.js';
import { computeTaskMetrics } from './metrics/task-metrics.js';
import { scoreFolder } from './score-folder.js';
import { formatSubmissionFile } from './submission/format.js';
import { parseSubmissionFile } from './submission/parse.js';
import { readSubmissionSource } from './submission/source.js';
import { validateSubmission } from './submission/validate.js';
import { writeSubmission } from './submission/write.js';
import { SUPERGLUE_DIR } from './test-fixtures/paths.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-hostile-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cbGold = () => goldFromRecords('CB', parseJsonl('{"idx":0,"label":"neutral"}', 'mem'), 'mem');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('unknown task names: a typed error naming the value, never a TypeError', () => {
  const bad = 'MNLI' as never;
  it.each([
    ['goldFromRecords', () => goldFromRecords(bad, [], 'mem')],
    ['referenceFilePath', () => referenceFilePath(SUPERGLUE_DIR, '../..' as never, 'val')],
    ['computeTaskMetrics', () => computeTaskMetrics(bad, cbGold(), {})],
    ['parseSubmissionFile', () => parseSubmissionFile(bad, '{"idx":0,"label":"x"}', 'x.jsonl')],
    ['formatSubmissionFile', () => formatSubmissionFile(bad, { 0: 'entailment' })],
    ['majorityLabel', () => majorityLabel(bad, cbGold())],
    ['majorityBaseline', () => majorityBaseline(bad, cbGold())],
    ['randomBaseline', () => randomBaseline(bad, cbGold(), 1)],
    ['parseSubmissionLabel', () => parseSubmissionLabel(bad, 'x')],
    ['toSubmissionLabel', () => toSubmissionLabel(bad, 'x')],
    ['leaderboardScore', () => leaderboardScore({ boolq_typo: { accuracy: 1 } } as never)],
  ])('%s', (_, fn) => {
    const err = thrown(fn);
    expect(err).toBeInstanceOf(UnknownTaskError);
  });

  it('readGoldFile and writeSubmission (async)', async () => {
    await expect(readGoldFile(bad, join(SUPERGLUE_DIR, 'CB', 'val.jsonl'))).rejects.toBeInstanceOf(
      UnknownTaskError,
    );
    // a misspelt task key is refused, not silently left out of the submission
    await expect(writeSubmission(join(root, 'w'), { Cb: { 0: 'neutral' } } as never)).resolves.toMatchObject({
      files: [join(root, 'w', 'CB.jsonl')],
    });
    await expect(
      writeSubmission(join(root, 'w2'), { MNLI: { 0: 'neutral' } } as never),
    ).rejects.toBeInstanceOf(UnknownTaskError);
  });
});

describe('large and hostile prediction files', () => {
  it('200,000 bad lines: a report (first problems listed, the rest counted), not "Maximum call stack size exceeded"', async () => {
    const dir = join(root, 'many-bad');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'CB.jsonl'), 'x\n'.repeat(200_000));
    const r = await scoreFolder(dir, SUPERGLUE_DIR, 'val');
    const cb = r.tasks.find((t) => t.task === 'CB')!;
    expect(cb.problems.length).toBeLessThanOrEqual(1001);
    const total = cb.problems.reduce((n, p) => n + (p.count ?? 1), 0);
    expect(total).toBe(200_000);
    expect(cb.problems.at(-1)!.message).toMatch(/199000 more problems not listed/);
    const v = await validateSubmission(dir, SUPERGLUE_DIR, { split: 'val' });
    // every bad line, plus the one summary of the 56 reference idx left missing
    expect(v.tasks.find((t) => t.task === 'CB')!.errors).toBe(200_001);
  }, 60_000);

  it('line count and file size limits: a typed error naming the file, the limit and the value', async () => {
    const dir = join(root, 'limits');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'CB.jsonl'), '{"idx":0,"label":"neutral"}\n'.repeat(50));
    const lines = await scoreFolder(dir, SUPERGLUE_DIR, 'val', { limits: { maxPredictionLines: 10 } }).catch(
      (e) => e,
    );
    expect(lines).toBeInstanceOf(InputLimitError);
    expect((lines as InputLimitError).file).toBe('CB.jsonl');
    expect((lines as Error).message).toMatch(/CB\.jsonl: 50 lines, over maxPredictionLines \(10\)/);
    const size = await scoreFolder(dir, SUPERGLUE_DIR, 'val', {
      limits: { maxPredictionFileBytes: 100 },
    }).catch((e) => e);
    expect(size).toBeInstanceOf(InputLimitError);
    expect((size as Error).message).toMatch(/CB\.jsonl: 1400 bytes, over maxPredictionFileBytes \(100\)/);
    const opt = await scoreFolder(dir, SUPERGLUE_DIR, 'val', { limits: { maxPredictionLines: -1 } }).catch(
      (e) => e,
    );
    expect(opt).toBeInstanceOf(EvalOptionError);
    expect((opt as EvalOptionError).parameter).toBe('limits.maxPredictionLines');
  });

  it('an over-long line, deep JSON and odd values become problems naming line, field and value', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const text = [
      `{"idx":${deep},"label":"neutral"}`,
      `{"idx":1,"label":${deep}}`,
      `{"idx":2,"label":"${'n'.repeat(2000)}"}`,
      '{"idx":3,"label":"neutral","extra":1}',
    ].join('\n');
    const parsed = parseSubmissionFile('CB', text, 'CB.jsonl', { maxLineLength: 1_000_000 });
    const byLine = new Map(parsed.problems.map((p) => [p.line, p]));
    expect(byLine.get(1)).toMatchObject({ severity: 'error', field: 'idx', value: 'array(1)' });
    expect(byLine.get(2)).toMatchObject({ severity: 'error', field: 'label', value: 'array(1)' });
    expect(byLine.get(3)!.value!.length).toBeLessThan(80);
    expect(parseSubmissionFile('CB', text, 'CB.jsonl', { maxLineLength: 1000 }).problems[0]).toMatchObject({
      line: 1,
      message: 'line is longer than 1000 characters (maxLineLength)',
    });
  });

  it('a gold file with a deep value is a DataFormatError naming the field', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const err = thrown(() =>
      goldFromRecords('RTE', parseJsonl(`{"idx":${deep},"label":"entailment"}`, 'g.jsonl'), 'g.jsonl'),
    );
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).field).toBe('idx');
  });
});

/** `zip` with every stated size (central and local) of `name` set to `size`. */
function withStatedSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const v = new DataView(out.buffer);
  for (let at = 0; at + 30 < out.length; at++) {
    const sig = v.getUint32(at, true);
    if (sig === 0x04034b50) v.setUint32(at + 22, size, true);
    if (sig === 0x02014b50) v.setUint32(at + 24, size, true);
  }
  return out;
}

describe('hostile submission zips', () => {
  it('a small zip that expands to gigabytes is refused from its headers, before allocation', async () => {
    const path = join(root, 'bomb.zip');
    const bomb = zipSync({ 'CB.jsonl': new Uint8Array(64 << 20) }, { level: 6 });
    await writeFile(path, bomb);
    const ratio = await readSubmissionSource(path).catch((e) => e);
    expect(ratio).toBeInstanceOf(ZipLimitError);
    expect((ratio as ZipLimitError).entry).toBe('CB.jsonl');
    await writeFile(path, withStatedSize(bomb, 0xf0000000));
    const before = process.memoryUsage().arrayBuffers;
    const huge = await readSubmissionSource(path).catch((e) => e);
    expect(huge).toBeInstanceOf(ZipLimitError);
    expect((huge as ZipLimitError).limit).toBe('maxEntryBytes');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('an entry whose stated size is wrong or whose CRC-32 does not match is refused, naming it', async () => {
    const good = zipSync({ 'CB.jsonl': strToU8('{"idx":0,"label":"neutral"}\n'.repeat(20)) });
    const path = join(root, 'lying.zip');
    await writeFile(path, withStatedSize(good, 100));
    const small = await readSubmissionSource(path).catch((e) => e);
    expect(small).toBeInstanceOf(DataFormatError);
    expect((small as Error).message).toMatch(
      /entry "CB\.jsonl": expands beyond its stated size of 100 bytes/,
    );
    const crc = good.slice();
    const v = new DataView(crc.buffer);
    for (let at = 0; at + 30 < crc.length; at++) {
      if (v.getUint32(at, true) === 0x04034b50) v.setUint32(at + 14, 1, true);
      if (v.getUint32(at, true) === 0x02014b50) v.setUint32(at + 16, 1, true);
    }
    await writeFile(path, crc);
    await expect(readSubmissionSource(path)).rejects.toThrow(/entry "CB\.jsonl": CRC-32 mismatch/);
  });

  it('too many entries, and extra entries are listed without being inflated', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 300; i++) files[`junk${i}.txt`] = strToU8('x');
    const path = join(root, 'many.zip');
    await writeFile(path, zipSync(files));
    await expect(readSubmissionSource(path)).rejects.toThrow(/300 entries, over maxEntries \(256\)/);
    let x = 7;
    const noise = Uint8Array.from({ length: 3 << 20 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
    const extra = zipSync({ 'CB.jsonl': strToU8('{"idx":0,"label":"neutral"}\n'), 'notes.bin': noise });
    await writeFile(path, extra);
    const src = await readSubmissionSource(path, { maxPredictionFileBytes: 1 << 20 });
    expect([...src.files.keys()]).toEqual(['CB.jsonl']);
    expect(src.nested).toEqual(['notes.bin']);
  });
});
