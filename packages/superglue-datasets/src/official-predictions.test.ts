import { describe, expect, it } from 'vitest';
import { formulate } from './formulate.js';
import { loadSplit, readTaskFile } from './load-split.js';
import {
  classPredictions,
  copaPredictions,
  multiRcPredictions,
  recordPredictions,
} from './official-predictions.js';
import { RECORD_SAMPLE, SUPERGLUE_DATA } from './test-fixtures/data.js';
import { bertTokenizer } from './test-fixtures/tokenizer.js';
import type { RecordRecord } from './types.js';

const tok = await bertTokenizer();
const oneHot = (label: number, n: number) => Array.from({ length: n }, (_, i) => (i === label ? 5 : -5));

describe('predictions map back to official idx and label values', () => {
  it('classification tasks: gold class indices give back the official labels', async () => {
    for (const task of ['CB', 'RTE', 'WiC', 'WSC', 'BoolQ'] as const) {
      const { records } = await loadSplit(task, 'val', { dir: SUPERGLUE_DATA });
      const examples = formulate(task, records.slice(0, 40), tok);
      const preds = classPredictions(
        examples,
        examples.map((e) => oneHot(e.label!, task === 'CB' ? 3 : 2)),
      );
      expect(preds).toEqual(records.slice(0, 40).map((r) => ({ idx: r.idx, label: r.label })));
    }
  });

  it('AX-b string idx survives', async () => {
    const { records } = await loadSplit('AX-b', 'test', { dir: SUPERGLUE_DATA });
    const examples = formulate('AX-b', records.slice(0, 5), tok);
    const preds = classPredictions(
      examples,
      examples.map((e) => oneHot(e.label!, 2)),
    );
    expect(preds.map((p) => p.idx)).toEqual(['0', '1', '2', '3', '4']);
  });

  it('COPA: the higher-scored candidate is the predicted choice', async () => {
    const { records } = await loadSplit('COPA', 'val', { dir: SUPERGLUE_DATA });
    const examples = formulate('COPA', records, tok);
    const preds = copaPredictions(
      examples,
      examples.map((e) => e.label!),
    );
    expect(preds).toEqual(records.map((r) => ({ idx: r.idx, label: r.label })));
  });

  it('MultiRC: nested paragraph/question/answer labels come back', async () => {
    const { records } = await loadSplit('MultiRC', 'val', { dir: SUPERGLUE_DATA });
    const some = records.slice(0, 5);
    const examples = formulate('MultiRC', some, tok);
    const preds = multiRcPredictions(
      examples,
      examples.map((e) => oneHot(e.label!, 2)),
    );
    expect(preds).toEqual(
      some.map((r) => ({
        idx: r.idx,
        passage: {
          questions: r.passage.questions.map((q) => ({
            idx: q.idx,
            answers: q.answers.map((a) => ({ idx: a.idx, label: a.label })),
          })),
        },
      })),
    );
  });

  it('ReCoRD: per query, the best-scored candidate over its windows', async () => {
    const records: RecordRecord[] = [];
    for await (const r of readTaskFile('ReCoRD', RECORD_SAMPLE, { labelled: true })) records.push(r);
    const examples = formulate('ReCoRD', records, tok, { maxLength: 128, stride: 32 });
    const preds = recordPredictions(
      examples,
      examples.map((e) => e.label!),
    );
    expect(preds).toHaveLength(32);
    for (const p of preds) {
      const q = records.flatMap((r) => r.qas).find((x) => x.idx === p.idx)!;
      expect(q.answers!.map((a) => a.text)).toContain(p.label);
    }
  });
});
