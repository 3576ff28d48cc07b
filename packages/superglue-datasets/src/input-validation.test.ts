// Public inputs checked at the boundary: options (one valibot schema per kind), task names that
// become paths, and file content (over-long lines, invalid UTF-8, deep JSON) — each a typed error
// naming the option, or the file, line and field.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnknownTaskError } from '@selfevo/superglue-tasks';
import { afterAll, describe, expect, it } from 'vitest';
import { collate, type EncodedInput, planBatches } from './batching.js';
import { splitPath } from './data-dir.js';
import { DatasetOptionError, SuperGlueFormatError } from './errors.js';
import { formulate } from './formulate.js';
import { emptyReport, loadSplit, readTaskFile, streamSplit } from './load-split.js';
import { ensureTask } from './superglue-source.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer } from './test-fixtures/tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ex = (len: number): EncodedInput => ({
  inputIds: Array(len).fill(5),
  tokenTypeIds: Array(len).fill(0),
  attentionMask: Array(len).fill(1),
});

function optionError(fn: () => unknown): DatasetOptionError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DatasetOptionError);
  return err as DatasetOptionError;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e) => e,
  );
}

describe('batching options', () => {
  it.each([
    [{ batchSize: 2.5 }, 'batchSize', 'must be an integer, got 2.5'],
    [{ batchSize: -4 }, 'batchSize', 'must be >= 1, got -4'],
    [{ batchSize: Number.NaN }, 'batchSize', 'must be a number, got NaN'],
    [{ batchSize: '8' }, 'batchSize', 'must be a number, got "8"'],
    [{ batchSize: 8, padTokenId: 0.5 }, 'padTokenId', 'must be an integer, got 0.5'],
    [{ batchSize: 8, padTokenId: -1 }, 'padTokenId', 'must be >= 0, got -1'],
    [{ batchSize: 8, bucketBatches: -1 }, 'bucketBatches', 'must be >= 0, got -1'],
    [{ batchSize: 8, padToMultipleOf: 0 }, 'padToMultipleOf', 'must be >= 1, got 0'],
    [{ batchSize: 8, seed: 1.5 }, 'seed', 'must be an integer, got 1.5'],
    [{ batchSize: 8, shuffle: 'yes' }, 'shuffle', 'must be true or false, got "yes"'],
    [{ batchSize: 8, groupKey: 'group' }, 'groupKey', 'must be a function, got "group"'],
  ])('planBatches refuses %j naming %s', (opts, parameter, message) => {
    const err = optionError(() => planBatches([ex(3), ex(4)], { padTokenId: 0, ...opts } as never));
    expect(err.parameter).toBe(parameter);
    expect(err.message).toBe(`${parameter}: ${message}`);
  });

  it('collate refuses a bad pad id, multiple or minimum length', () => {
    expect(optionError(() => collate([ex(2)], { padTokenId: Number.POSITIVE_INFINITY })).parameter).toBe(
      'padTokenId',
    );
    expect(optionError(() => collate([ex(2)], { padTokenId: 0, padToMultipleOf: -8 })).parameter).toBe(
      'padToMultipleOf',
    );
    expect(optionError(() => collate([ex(2)], { padTokenId: 0, minLength: 1.5 })).parameter).toBe(
      'minLength',
    );
    expect(optionError(() => collate([ex(2)], undefined as never)).parameter).toBe('padTokenId');
  });

  it('large inputs do not overflow the stack (no spread of big arrays)', () => {
    const many = Array.from({ length: 300_000 }, () => ex(1));
    // length bucketing without shuffling sorts the whole set as one pool
    const plan = planBatches(many, { padTokenId: 0, batchSize: 1024, bucketBatches: 4 });
    expect(plan.reduce((n, b) => n + b.length, 0)).toBe(300_000);
    // one group holding every example (batched alone)
    const grouped = planBatches(many, { padTokenId: 0, batchSize: 8, groupKey: () => 0 });
    expect(grouped).toHaveLength(1);
    expect(collate(many.slice(0, 200_000), { padTokenId: 0 }).shape).toEqual([200_000, 1]);
  });
});

describe('formulate and reader options', () => {
  const record = { premise: 'a', hypothesis: 'b', idx: 0, label: 'entailment' as const };
  it.each([
    [{ maxLength: 0 }, 'maxLength', 'must be >= 4, got 0'],
    [{ maxLength: -5 }, 'maxLength', 'must be >= 4, got -5'],
    [{ maxLength: 12.5 }, 'maxLength', 'must be an integer, got 12.5'],
    [{ stride: -1 }, 'stride', 'must be >= 0, got -1'],
    [{ maxLength: 64, stride: 64 }, 'stride', 'must be smaller than maxLength (64), got 64'],
  ])('formulate refuses %j naming %s', async (opts, parameter, message) => {
    const tok = await bertTokenizer();
    const err = optionError(() => formulate('CB', [record], tok, opts));
    expect(err.message).toBe(`${parameter}: ${message}`);
  });

  it('loaders refuse bad options before reading', async () => {
    const e1 = await rejection(loadSplit('CB', 'val', { dir: SUPERGLUE_DATA, lenient: 'yes' as never }));
    expect(e1).toBeInstanceOf(DatasetOptionError);
    expect((e1 as DatasetOptionError).parameter).toBe('lenient');
    const e2 = await rejection(loadSplit('CB', 'val', { dir: SUPERGLUE_DATA, maxLineBytes: 0 }));
    expect((e2 as DatasetOptionError).parameter).toBe('maxLineBytes');
    const e3 = await rejection(ensureTask('CB', { dir: SUPERGLUE_DATA, download: { retries: -2 } }));
    expect((e3 as DatasetOptionError).parameter).toBe('download.retries');
  });
});

describe('task names that become paths', () => {
  mkdirSync(join(dir, 'data', 'CB'), { recursive: true });
  writeFileSync(join(dir, 'secret.jsonl'), '{"premise":"p","hypothesis":"h","idx":0,"label":"neutral"}\n');
  it.each([['..'], ['../CB'], ['CB/..'], ['/etc'], ['MNLI'], ['']])(
    'loadSplit / splitPath / ensureTask refuse %j (UnknownTaskError), nothing outside the folder is read',
    async (name) => {
      const data = join(dir, 'data');
      expect(() => splitPath(name as never, 'val', data)).toThrow(UnknownTaskError);
      expect(() => streamSplit(name as never, 'val', { dir: data })).toThrow(UnknownTaskError);
      expect(await rejection(loadSplit(name as never, 'val', { dir: data }))).toBeInstanceOf(
        UnknownTaskError,
      );
      expect(await rejection(ensureTask(name as never, { dir: data }))).toBeInstanceOf(UnknownTaskError);
      const gen = readTaskFile(name as never, join(dir, 'secret.jsonl'), { labelled: true });
      expect(await rejection(gen.next())).toBeInstanceOf(UnknownTaskError);
    },
  );
  it('aliases resolve to the official folder', async () => {
    expect(splitPath('cb' as never, 'val', SUPERGLUE_DATA)).toBe(join(SUPERGLUE_DATA, 'CB', 'val.jsonl'));
    expect((await loadSplit('ax-g' as never, 'test', { dir: SUPERGLUE_DATA })).records).toHaveLength(356);
  });
});

describe('hostile file content', () => {
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const good = '{"premise":"p","hypothesis":"h","idx":0,"label":"neutral"}';
  const read = async (path: string, opts: { lenient?: boolean; maxLineBytes?: number } = {}) => {
    const out = [];
    const report = emptyReport('CB', path);
    for await (const r of readTaskFile('CB', path, { labelled: true, ...opts }, report)) out.push(r);
    return { out, report };
  };
  const formatError = async (p: Promise<unknown>) => {
    const err = await rejection(p);
    expect(err).toBeInstanceOf(SuperGlueFormatError);
    return err as SuperGlueFormatError;
  };

  it('a line over maxLineBytes: typed error naming file and line, memory bounded; lenient skips it', async () => {
    const path = file(
      'long.jsonl',
      `${good}\n{"premise":"${'x'.repeat(5000)}"}\n${good.replace('"idx":0', '"idx":1')}\n`,
    );
    const err = await formatError(read(path, { maxLineBytes: 1000 }));
    expect(err.file).toBe(path);
    expect(err.line).toBe(2);
    expect(err.reason).toMatch(/line is longer than 1000 bytes \(maxLineBytes\)/);
    const lenient = await read(path, { maxLineBytes: 1000, lenient: true });
    expect(lenient.out).toHaveLength(2);
    expect(lenient.report.skipped.map((s) => s.line)).toEqual([2]);
  });

  it('invalid UTF-8 is an error naming the line (not a silent U+FFFD)', async () => {
    const bytes = new TextEncoder().encode(
      `${good}\n${good.replace('"p"', '"p\u00e9"').replace('"idx":0', '"idx":1')}\n`,
    );
    const bad = bytes.slice();
    const at = bad.indexOf(0xc3);
    bad[at] = 0xff; // an invalid lead byte
    const err = await formatError(read(file('utf8.jsonl', bad)));
    expect(err.line).toBe(2);
    expect(err.reason).toMatch(/not valid UTF-8/);
    // the same file, valid, reads fine
    expect((await read(file('utf8-ok.jsonl', bytes))).out).toHaveLength(2);
  });

  it('a deeply nested label value is named without overflowing the stack', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const err = await formatError(
      read(file('deep.jsonl', `{"premise":"p","hypothesis":"h","idx":0,"label":${deep}}\n`)),
    );
    expect(err.field).toBe('label');
    expect(err.reason).toMatch(/expected a string label, got array array\(1\)/);
  });
});
