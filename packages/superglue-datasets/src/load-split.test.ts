import { splitsOf, TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { describe, expect, it } from 'vitest';
import { loadSplit, readTaskFile, streamSplit } from './load-split.js';
import { RECORD_SAMPLE, SUPERGLUE_DATA, sourcesTable } from './test-fixtures/data.js';

const table = sourcesTable();

describe('official files load with the record counts of SOURCES.md', () => {
  it('SOURCES.md lists all 22 official files plus the ReCoRD sample', () => {
    expect(table).toHaveLength(23);
  });

  for (const task of TASKS) {
    if (task === 'ReCoRD') continue;
    for (const split of splitsOf(task)) {
      const rel = task.startsWith('AX-') ? `${task}/${task}.jsonl` : `${task}/${split}.jsonl`;
      const row = table.find((r) => r.file === rel);
      if (!row) continue; // BoolQ/train is not available here (SOURCES.md "Missing")
      it(`${rel}: ${row.records} records`, async () => {
        const loaded = await loadSplit(task as TaskName, split, { dir: SUPERGLUE_DATA });
        expect(loaded.records).toHaveLength(row.records);
        expect(loaded.report).toMatchObject({ records: row.records, lines: row.records, complete: true });
        expect(loaded.report.skipped).toEqual([]);
        const labelled = loaded.records.filter((r) => 'label' in r).length;
        if (split === 'test' && !task.startsWith('AX-')) expect(labelled).toBe(0);
        if (task === 'MultiRC') {
          const qs = (
            loaded.records as { passage: { questions: { answers: { label?: number }[] }[] } }[]
          ).flatMap((p) => p.passage.questions);
          expect(qs).toHaveLength(row.questions!);
          const answers = qs.flatMap((q) => q.answers);
          expect(answers).toHaveLength(row.answers!);
          expect(answers.filter((a) => a.label !== undefined)).toHaveLength(
            split === 'test' ? 0 : row.answers!,
          );
        } else if (split !== 'test' || task.startsWith('AX-')) {
          expect(labelled).toBe(row.records);
        }
      });
    }
  }

  it('FewGLUE ReCoRD sample: 32 passages, 32 queries, 77 answers, 585 entities', async () => {
    const records = [];
    for await (const r of readTaskFile('ReCoRD', RECORD_SAMPLE, { labelled: true })) records.push(r);
    expect(records).toHaveLength(32);
    expect(records.flatMap((r) => r.qas)).toHaveLength(32);
    expect(records.flatMap((r) => r.qas.flatMap((q) => q.answers ?? []))).toHaveLength(77);
    expect(records.flatMap((r) => r.passage.entities)).toHaveLength(585);
    // inclusive `end`, kept as in the file
    expect(records[0]!.passage.entities[0]).toEqual({ start: 3, end: 15 });
    const a = records[0]!.qas[0]!.answers![0]!;
    expect(records[0]!.passage.text.slice(a.start, a.end + 1)).toBe(a.text);
    expect(records[0]!.idx).toBe(3088);
    expect(records[0]!.qas[0]!.idx).toBe(4756);
  });
});

describe('official fields and quirks are kept', () => {
  it('AX-b idx stays a JSON string, with its diagnostic category fields', async () => {
    const { records } = await loadSplit('AX-b', 'test', { dir: SUPERGLUE_DATA });
    expect(records[0]).toEqual({
      idx: '0',
      label: 'not_entailment',
      sentence1: 'The cat sat on the mat.',
      sentence2: 'The cat did not sit on the mat.',
      logic: 'Negation',
    });
    expect(records.every((r) => typeof r.idx === 'string')).toBe(true);
  });

  it('AX-g (no final newline) reads its last line; rows 2k/2k+1 are minimal pairs', async () => {
    const { records } = await loadSplit('AX-g', 'test', { dir: SUPERGLUE_DATA });
    expect(records.at(-1)!.idx).toBe(355);
    for (let k = 0; k < records.length; k += 2) {
      expect(records[k]!.hypothesis).toBe(records[k + 1]!.hypothesis);
      expect(records[k]!.pair_id).not.toBe(records[k + 1]!.pair_id);
    }
  });

  it('MultiRC keeps the three idx levels', async () => {
    const { records } = await loadSplit('MultiRC', 'val', { dir: SUPERGLUE_DATA });
    const q = records[0]!.passage.questions[0]!;
    expect(typeof records[0]!.idx).toBe('number');
    expect(typeof q.idx).toBe('number');
    expect(typeof q.answers[0]!.idx).toBe('number');
    expect([0, 1]).toContain(q.answers[0]!.label);
  });

  it('streams with a report that fills in as records are consumed', async () => {
    const stream = streamSplit('RTE', 'test', { dir: SUPERGLUE_DATA });
    let n = 0;
    for await (const r of stream.records) {
      expect(r.label).toBeUndefined();
      if (++n === 10) break;
    }
    expect(stream.report.records).toBe(10);
    expect(stream.report.complete).toBe(false);
  });

  it('uses SUPERGLUE_DIR when no dir is given', async () => {
    const before = process.env.SUPERGLUE_DIR;
    process.env.SUPERGLUE_DIR = SUPERGLUE_DATA;
    try {
      const { records } = await loadSplit('CB', 'val');
      expect(records).toHaveLength(56);
    } finally {
      if (before === undefined) delete process.env.SUPERGLUE_DIR;
      else process.env.SUPERGLUE_DIR = before;
    }
  });
});
