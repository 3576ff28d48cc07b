import { describe, expect, it } from 'vitest';
import { goldFromRecords } from '../data/gold.js';
import { readGoldFile } from '../data/gold-file.js';
import { parseJsonl } from '../data/jsonl.js';
import { InvalidGoldError } from '../errors.js';
import { RECORD_VAL_FIXTURE } from '../test-fixtures/paths.js';
import { computeTaskMetrics } from './task-metrics.js';

const gold = (task: Parameters<typeof goldFromRecords>[0], rows: object[]) =>
  goldFromRecords(task, parseJsonl(rows.map((r) => JSON.stringify(r)).join('\n'), 'mem'), 'mem');

describe('computeTaskMetrics', () => {
  it('BoolQ accuracy with missing, unparseable and extra predictions reported', () => {
    const g = gold('BoolQ', [
      { idx: 0, label: true },
      { idx: 1, label: false },
      { idx: 2, label: true },
      { idx: 3, label: true },
    ]);
    const r = computeTaskMetrics(
      'BoolQ',
      g,
      new Map<string, unknown>([
        ['0', true],
        ['1', 'false'], // submission string, not a native label → unparseable
        ['2', true],
        ['9', false],
      ]),
    );
    expect(r.metrics).toEqual({ accuracy: 0.5 });
    expect(r.score).toBe(0.5);
    expect([r.missing, r.unparseable, r.extra]).toEqual([1, 1, 1]);
    expect([r.missingKeys, r.unparseableKeys, r.extraKeys]).toEqual([['3'], ['1'], ['9']]);
  });

  it('CB: task score is the mean of macro-F1 and accuracy', () => {
    const g = gold('CB', [
      { idx: 0, label: 'entailment' },
      { idx: 1, label: 'entailment' },
      { idx: 2, label: 'contradiction' },
      { idx: 3, label: 'contradiction' },
      { idx: 4, label: 'neutral' },
    ]);
    const r = computeTaskMetrics('CB', g, {
      0: 'entailment',
      1: 'contradiction',
      2: 'contradiction',
      3: 'contradiction',
      4: 'entailment',
    });
    expect(r.metrics.f1Macro).toBeCloseTo(1.3 / 3, 15);
    expect(r.metrics.accuracy).toBeCloseTo(0.6, 15);
    expect(r.score).toBeCloseTo((1.3 / 3 + 0.6) / 2, 15);
  });

  it('AX-b: MCC over string idx; a missing prediction is the wrong label; all-one-class → 0', () => {
    const g = gold('AX-b', [
      { idx: '0', label: 'entailment' },
      { idx: '1', label: 'entailment' },
      { idx: '2', label: 'not_entailment' },
      { idx: '3', label: 'not_entailment' },
    ]);
    const perfect = computeTaskMetrics('AX-b', g, {
      0: 'entailment',
      1: 'entailment',
      2: 'not_entailment',
      3: 'not_entailment',
    });
    expect(perfect.metrics.mcc).toBe(1);
    expect(perfect.score).toBeNull();
    // missing '3' → counted as entailment: TP 2, TN 1, FP 1, FN 0 → (2 − 0)/√(3·2·1·2) = 2/√12
    const missing = computeTaskMetrics('AX-b', g, { 0: 'entailment', 1: 'entailment', 2: 'not_entailment' });
    expect(missing.metrics.mcc).toBeCloseTo(2 / Math.sqrt(12), 15);
    expect(missing.missing).toBe(1);
    const constant = computeTaskMetrics('AX-b', g, {
      0: 'entailment',
      1: 'entailment',
      2: 'entailment',
      3: 'entailment',
    });
    expect(constant.metrics.mcc).toBe(0);
  });

  it('AX-g: parity over rows 2k/2k+1 and accuracy', () => {
    const g = gold('AX-g', [
      { idx: 0, label: 'entailment' },
      { idx: 1, label: 'entailment' },
      { idx: 2, label: 'not_entailment' },
      { idx: 3, label: 'not_entailment' },
    ]);
    const r = computeTaskMetrics('AX-g', g, {
      0: 'entailment',
      1: 'not_entailment',
      2: 'not_entailment',
      3: 'not_entailment',
    });
    expect(r.metrics).toEqual({ genderParity: 0.5, accuracy: 0.75 });
  });

  it('MultiRC keyed by paragraph/question/answer', () => {
    const g = gold('MultiRC', [
      {
        idx: 0,
        passage: {
          questions: [
            {
              idx: 0,
              answers: [
                { idx: 0, label: 1 },
                { idx: 1, label: 0 },
              ],
            },
            { idx: 1, answers: [{ idx: 2, label: 1 }] },
          ],
        },
      },
    ]);
    const r = computeTaskMetrics('MultiRC', g, { '0/0/0': 1, '0/0/1': 0, '0/1/2': 0 });
    // TP 1, FN 1 → F1a 2/3; EM 1/2
    expect(r.metrics.f1a).toBeCloseTo(2 / 3, 15);
    expect(r.metrics.em).toBe(0.5);
    expect(r.count).toBe(3);
    expect(r.questions).toBe(2);
    expect(r.score).toBeCloseTo((2 / 3 + 0.5) / 2, 15);
  });

  it('ReCoRD with answers that differ only by article/case/punctuation', async () => {
    const g = await readGoldFile('ReCoRD', RECORD_VAL_FIXTURE, { requireLabels: true });
    const r = computeTaskMetrics('ReCoRD', g, { 100: 'shea stadium.', 101: 'beatles', 102: 'Pierre Curie' });
    // q100, q101 exact after normalisation; q102: "pierre curie" vs "marie curie" → F1 0.5
    expect(r.metrics.em).toBeCloseTo(2 / 3, 15);
    expect(r.metrics.f1).toBeCloseTo(2.5 / 3, 15);
    const empty = computeTaskMetrics('ReCoRD', g, {});
    expect(empty.metrics).toEqual({ f1: 0, em: 0 });
    expect(empty.missing).toBe(3);
  });

  it('refuses unlabelled gold and gold of another task', () => {
    const unlabelled = gold('RTE', [{ idx: 0 }]);
    expect(() => computeTaskMetrics('RTE', unlabelled, {})).toThrow(InvalidGoldError);
    expect(() => computeTaskMetrics('CB', unlabelled, {})).toThrow(/gold data is for RTE/);
  });
});
