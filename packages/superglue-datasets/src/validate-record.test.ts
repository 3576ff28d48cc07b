import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskName } from '@selfevo/superglue-tasks';
import { afterAll, describe, expect, it } from 'vitest';
import { SuperGlueFormatError } from './errors.js';
import { emptyReport, readTaskFile, type SkippedLine } from './load-split.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(lines: (string | object)[], trailingNewline = true): string {
  const path = join(dir, `f${n++}.jsonl`);
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  writeFileSync(path, trailingNewline ? `${text}\n` : text);
  return path;
}

async function read(task: TaskName, path: string, labelled = true, lenient = false) {
  const report = emptyReport(task, path);
  const skipped: SkippedLine[] = [];
  const records: unknown[] = [];
  for await (const r of readTaskFile(
    task,
    path,
    { labelled, lenient, onSkip: (s) => skipped.push(s) },
    report,
  )) {
    records.push(r);
  }
  return { records, report, skipped };
}

async function formatError(task: TaskName, path: string, labelled = true): Promise<SuperGlueFormatError> {
  try {
    await read(task, path, labelled);
  } catch (err) {
    expect(err).toBeInstanceOf(SuperGlueFormatError);
    return err as SuperGlueFormatError;
  }
  throw new Error('expected a SuperGlueFormatError');
}

const cb = (idx: number, label: unknown = 'neutral') => ({ premise: 'p', hypothesis: 'h', label, idx });
const mrc = (idx: number, q: number, a: number[], label: unknown = 1) => ({
  idx,
  version: 1.1,
  passage: {
    text: 't',
    questions: [{ question: 'q?', idx: q, answers: a.map((i) => ({ text: 'a', idx: i, label })) }],
  },
});

describe('strict validation names file, line and field', () => {
  it('malformed JSON', async () => {
    const path = file([cb(0), '{"premise": "p", "hypo', cb(2)]);
    const err = await formatError('CB', path);
    expect(err).toMatchObject({ file: path, line: 2, field: undefined });
    expect(err.message).toMatch(new RegExp(`^${path}:2: malformed JSON`));
  });

  it('empty line in the middle', async () => {
    const err = await formatError('CB', file([cb(0), '', cb(1)]));
    expect(err).toMatchObject({ line: 2, reason: 'empty line' });
  });

  it('missing field', async () => {
    const path = file([cb(0), { premise: 'p', label: 'neutral', idx: 1 }]);
    const err = await formatError('CB', path);
    expect(err).toMatchObject({ file: path, line: 2, field: 'hypothesis', reason: 'missing field' });
    expect(err.message).toBe(`${path}:2 field "hypothesis": missing field`);
  });

  it('mistyped field', async () => {
    const rec = {
      word: 'w',
      sentence1: 'a w',
      sentence2: 'w b',
      start1: '2',
      end1: 3,
      start2: 0,
      end2: 1,
      idx: 0,
      label: true,
    };
    const err = await formatError('WiC', file([rec]));
    expect(err).toMatchObject({ line: 1, field: 'start1' });
    expect(err.reason).toBe('expected an integer, got string');
  });

  it('mistyped nested MultiRC label, with its full path', async () => {
    const bad = mrc(1, 1, [1]);
    bad.passage.questions[0]!.answers[0]!.label = '1';
    const err = await formatError('MultiRC', file([mrc(0, 0, [0]), bad]));
    expect(err).toMatchObject({ line: 2, field: 'passage.questions[0].answers[0].label' });
  });

  it('unknown label', async () => {
    const err = await formatError('CB', file([cb(0), cb(1, 'maybe')]));
    expect(err).toMatchObject({ line: 2, field: 'label' });
    expect(err.reason).toMatch(/unknown label "maybe"/);
  });

  it('label of the wrong JSON type (string "true" for BoolQ)', async () => {
    const err = await formatError('BoolQ', file([{ question: 'q', passage: 'p', idx: 0, label: 'true' }]));
    expect(err).toMatchObject({ line: 1, field: 'label' });
  });

  it('missing label in a labelled split, accepted in a test split', async () => {
    const path = file([{ premise: 'p', hypothesis: 'h', idx: 0 }]);
    expect(await formatError('RTE', path)).toMatchObject({ field: 'label' });
    expect((await read('RTE', path, false)).records).toHaveLength(1);
  });

  it('duplicate idx', async () => {
    const path = file([cb(0), cb(1), cb(0)]);
    const err = await formatError('CB', path);
    expect(err).toMatchObject({ file: path, line: 3, field: 'idx' });
    expect(err.reason).toBe('duplicate record idx 0 (first seen on line 1)');
  });

  it('duplicate nested MultiRC answer idx across paragraphs', async () => {
    const err = await formatError('MultiRC', file([mrc(0, 0, [0, 1]), mrc(1, 1, [2, 1])]));
    expect(err).toMatchObject({ line: 2, field: 'passage.questions[0].answers[1].idx' });
    expect(err.reason).toMatch(/duplicate answer idx 1/);
  });

  it('AX-b idx must be a string, AX-g pair_id an integer', async () => {
    const axb = { idx: 0, label: 'entailment', sentence1: 'a', sentence2: 'b' };
    expect(await formatError('AX-b', file([axb]), false)).toMatchObject({ field: 'idx' });
    const axg = { premise: 'a', hypothesis: 'b', idx: 0, pair_id: '3', label: 'entailment' };
    expect(await formatError('AX-g', file([axg]), false)).toMatchObject({ field: 'pair_id' });
  });

  it('ReCoRD: entity end outside the passage, query without @placeholder', async () => {
    const base = () => ({
      source: 'CNN',
      passage: { text: 'Alice met Bob.', entities: [{ start: 0, end: 4 }] },
      qas: [{ query: '@placeholder met Bob', answers: [{ start: 0, end: 4, text: 'Alice' }], idx: 0 }],
      idx: 0,
    });
    const a = base();
    a.passage.entities.push({ start: 10, end: 14 });
    expect(await formatError('ReCoRD', file([a]))).toMatchObject({ field: 'passage.entities[1].end' });
    const b = base();
    b.qas[0]!.query = 'Alice met Bob';
    expect(await formatError('ReCoRD', file([b]))).toMatchObject({ field: 'qas[0].query' });
    const c = base() as { qas: { answers?: unknown }[] };
    delete c.qas[0]!.answers;
    expect(await formatError('ReCoRD', file([c]))).toMatchObject({ field: 'qas[0].answers' });
    expect((await read('ReCoRD', file([c]), false)).records).toHaveLength(1);
  });

  it('WSC word index beyond text.split(" ")', async () => {
    const rec = {
      text: 'He ran.',
      target: { span1_index: 0, span1_text: 'He', span2_index: 5, span2_text: 'x' },
      idx: 0,
      label: true,
    };
    expect(await formatError('WSC', file([rec]))).toMatchObject({ field: 'target.span2_index' });
  });

  it('COPA question must be cause/effect', async () => {
    const rec = { premise: 'p', choice1: 'a', choice2: 'b', question: 'why', label: 0, idx: 0 };
    expect(await formatError('COPA', file([rec]))).toMatchObject({ field: 'question' });
  });
});

describe('lenient mode counts and lists every skipped line', () => {
  it('keeps good lines, reports each bad one', async () => {
    const path = file([cb(0), 'not json', cb(1, 'maybe'), cb(0), { premise: 'p', idx: 4 }, cb(5)], false);
    const { records, report, skipped } = await read('CB', path, true, true);
    expect(records.map((r) => (r as { idx: number }).idx)).toEqual([0, 5]);
    expect(report).toMatchObject({ lines: 6, records: 2, complete: true });
    expect(report.skipped.map((s) => [s.line, s.field])).toEqual([
      [2, undefined],
      [3, 'label'],
      [4, 'idx'],
      [5, 'hypothesis'],
    ]);
    expect(skipped).toEqual(report.skipped);
  });

  it('a skipped line does not reserve its idx values', async () => {
    const { records } = await read('MultiRC', file([mrc(0, 0, [0], 'x'), mrc(0, 0, [0])]), true, true);
    expect(records).toHaveLength(1);
  });
});
