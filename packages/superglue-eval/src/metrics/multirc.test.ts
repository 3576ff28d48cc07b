import { describe, expect, it } from 'vitest';
import type { MultircGold } from '../data/gold.js';
import { multircScores } from './multirc.js';

const gold: MultircGold = {
  kind: 'multirc',
  task: 'MultiRC',
  paragraphs: [
    {
      idx: 0,
      questions: [
        {
          idx: 0,
          answers: [
            { idx: 0, label: 1 },
            { idx: 1, label: 0 },
            { idx: 2, label: 1 },
          ],
        },
        { idx: 1, answers: [{ idx: 3, label: 0 }] }, // a question with a single answer option
      ],
    },
    {
      idx: 1,
      questions: [
        {
          idx: 2,
          answers: [
            { idx: 4, label: 1 },
            { idx: 5, label: 1 },
          ],
        },
      ],
    },
  ],
};

const from = (m: Record<string, 0 | 1>) => (k: string) => m[k];

describe('multircScores', () => {
  it('pools F1a over all answer options and EM over questions', () => {
    const s = multircScores(
      gold,
      from({ '0/0/0': 1, '0/0/1': 0, '0/0/2': 0, '0/1/3': 0, '1/2/4': 1, '1/2/5': 1 }),
    );
    // TP 3, FP 0, FN 1 → F1a 6/7; questions right: q1, q2 → EM 2/3
    expect(s.f1a).toBeCloseTo(6 / 7, 15);
    expect(s.em).toBeCloseTo(2 / 3, 15);
  });

  it('is not the mean of per-question F1 (HF f1_m)', () => {
    const s = multircScores(
      gold,
      from({ '0/0/0': 1, '0/0/1': 1, '0/0/2': 1, '0/1/3': 1, '1/2/4': 1, '1/2/5': 0 }),
    );
    // pooled: TP 3, FP 2, FN 1 → 6/9; the per-question mean would be (4/5 + 0 + 2/3) / 3
    expect(s.f1a).toBeCloseTo(6 / 9, 15);
    expect(s.f1a).not.toBeCloseTo((4 / 5 + 0 + 2 / 3) / 3, 3);
    expect(s.em).toBe(0);
  });

  it('counts a missing answer of a single-option question as wrong', () => {
    const s = multircScores(gold, from({ '0/0/0': 1, '0/0/1': 0, '0/0/2': 1, '1/2/4': 1, '1/2/5': 1 }));
    // 0/1/3 missing with gold 0 → counted as 1: TP 4, FP 1 → 8/9; EM 2/3
    expect(s.f1a).toBeCloseTo(8 / 9, 15);
    expect(s.em).toBeCloseTo(2 / 3, 15);
  });

  it('gives F1a 0 for all-zero predictions and 0 for empty predictions', () => {
    const zeros = multircScores(gold, () => 0);
    expect(zeros.f1a).toBe(0);
    expect(zeros.em).toBeCloseTo(1 / 3, 15); // only the single-option question (gold 0) is exact
    const empty = multircScores(gold, () => undefined);
    expect(empty.f1a).toBe(0);
    expect(empty.em).toBe(0);
  });
});
