import { describe, expect, it } from 'vitest';
import { binaryF1, classF1, macroF1 } from './f1.js';

const CB = ['entailment', 'contradiction', 'neutral'] as const;

describe('classF1 / binaryF1', () => {
  it('matches a hand count', () => {
    // gold 1 1 1 0 0, pred 1 0 1 1 0 → TP 2, FP 1, FN 1 → P 2/3, R 2/3, F1 2·2/(4+1+1) = 2/3
    const r = classF1([1, 1, 1, 0, 0], [1, 0, 1, 1, 0], 1);
    expect(r.precision).toBeCloseTo(2 / 3, 15);
    expect(r.recall).toBeCloseTo(2 / 3, 15);
    expect(r.f1).toBeCloseTo(2 / 3, 15);
    expect(r.support).toBe(3);
  });

  it('is 0 (not NaN) when the class is never predicted nor gold', () => {
    expect(binaryF1([0, 0, 0], [0, 0, 0], 1)).toBe(0);
  });

  it('is 0 when all predictions are the negative class', () => {
    expect(binaryF1([1, 0, 1], [0, 0, 0], 1)).toBe(0);
  });

  it('treats a missing prediction as a false negative only', () => {
    // gold 1 1 0, pred 1 missing missing → TP 1, FN 1, FP 0 → 2/3
    expect(binaryF1([1, 1, 0], [1, undefined, undefined], 1)).toBeCloseTo(2 / 3, 15);
  });
});

describe('macroF1 (CB)', () => {
  it('averages the per-class F1 of the three classes', () => {
    const gold = ['entailment', 'entailment', 'contradiction', 'contradiction', 'neutral'];
    const pred = ['entailment', 'contradiction', 'contradiction', 'contradiction', 'entailment'];
    // E: TP1 FP1 FN1 → 0.5; C: TP2 FP1 FN0 → 0.8; N: TP0 FP0 FN1 → 0
    expect(macroF1(gold, pred, CB)).toBeCloseTo(1.3 / 3, 15);
  });

  it('counts a class absent from gold and predictions as F1 0 (scikit-learn default)', () => {
    // N absent everywhere: E 1, C 1, N 0 → 2/3
    expect(macroF1(['entailment', 'contradiction'], ['entailment', 'contradiction'], CB)).toBeCloseTo(
      2 / 3,
      15,
    );
  });

  it('handles all-one-class predictions', () => {
    // E: TP1 FP2 → 2/4; C, N: 0 → 1/6
    expect(
      macroF1(['entailment', 'contradiction', 'neutral'], ['entailment', 'entailment', 'entailment'], CB),
    ).toBeCloseTo(1 / 6, 15);
  });

  it('gives a missing prediction no class (a false negative of the gold class)', () => {
    const gold = ['entailment', 'entailment', 'contradiction', 'contradiction', 'neutral'];
    const pred = ['entailment', undefined, 'contradiction', 'contradiction', 'entailment'];
    // E: TP1 FP1 FN1 → 0.5; C: TP2 → 1; N: FN1 → 0
    expect(macroF1(gold, pred, CB)).toBeCloseTo(0.5, 15);
  });

  it('gives 0 for empty predictions', () => {
    expect(macroF1(['entailment', 'neutral'], [undefined, undefined], CB)).toBe(0);
  });
});
