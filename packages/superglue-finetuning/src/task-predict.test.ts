import { rm } from 'node:fs/promises';
import { type FormulatedExample, formulate, SCORED_TASKS } from '@selfevo/superglue-datasets';
import { loadSplit } from '@selfevo/superglue-datasets/node';
import { computeTaskMetrics, goldFromRecords } from '@selfevo/superglue-eval';
import { Tokenizer } from '@selfevo/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialPredictions } from './task-predict.js';
import { hasSharedData, makeTinySuperGlue, VOCAB } from './test-fixtures/tiny-superglue.js';

/** Scores that put the gold answer first (`right`) or last (`!right`), in the head's output layout. */
function oracleScores(examples: FormulatedExample[], right: boolean): Float32Array[] {
  return examples.map((e) => {
    const y = e.label!;
    if (e.kind === 'copa' || e.kind === 'record') return Float32Array.of(right === (y === 1) ? 1 : 0);
    const classes = e.task === 'CB' ? 3 : 2;
    const s = new Float32Array(classes);
    s[right ? y : (y + 1) % classes] = 1;
    return s;
  });
}

describe.skipIf(!hasSharedData)('officialPredictions maps scores back to the official idx and labels', () => {
  let data: string;
  let tok: Tokenizer;
  beforeAll(async () => {
    data = await makeTinySuperGlue();
    tok = await Tokenizer.fromBertVocab(VOCAB);
  });
  afterAll(() => rm(data, { recursive: true, force: true }));

  for (const task of SCORED_TASKS) {
    it(`${task}: gold-first scores score 100 on val, gold-last scores do not`, async () => {
      const { records, file } = await loadSplit(task, 'val', { dir: data });
      const gold = goldFromRecords(
        task,
        records.map((value, i) => ({ line: i + 1, value })),
        file,
        { requireLabels: true },
      );
      const examples = formulate(task, records, tok, { maxLength: 128, stride: 16 }) as FormulatedExample[];
      const good = computeTaskMetrics(
        task,
        gold,
        officialPredictions(examples, oracleScores(examples, true)),
      );
      expect(good.missing + good.unparseable + good.extra).toBe(0);
      for (const [name, v] of Object.entries(good.metrics)) expect(v, `${task} ${name}`).toBe(1);
      const bad = computeTaskMetrics(
        task,
        gold,
        officialPredictions(examples, oracleScores(examples, false)),
      );
      expect(bad.missing + bad.unparseable + bad.extra).toBe(0);
      expect(bad.score!).toBeLessThan(1);
    });
  }
});
