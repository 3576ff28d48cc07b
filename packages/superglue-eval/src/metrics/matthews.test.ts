import { describe, expect, it } from 'vitest';
import { matthewsCorrelation } from './matthews.js';

describe('matthewsCorrelation', () => {
  it('matches the binary formula on a hand count', () => {
    // TP 2, TN 2, FP 1, FN 1 → (4 − 1) / √(3·3·3·3) = 1/3
    expect(matthewsCorrelation([1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 1])).toBeCloseTo(1 / 3, 15);
  });

  it('is 1 for perfect and −1 for inverted predictions', () => {
    const g = ['entailment', 'not_entailment', 'entailment', 'not_entailment'];
    expect(matthewsCorrelation(g, g)).toBe(1);
    expect(matthewsCorrelation(g, ['not_entailment', 'entailment', 'not_entailment', 'entailment'])).toBe(-1);
  });

  it('is 0, not NaN, for all-one-class predictions or gold', () => {
    expect(matthewsCorrelation([1, 0, 1, 0], [1, 1, 1, 1])).toBe(0);
    expect(matthewsCorrelation([1, 1, 1], [1, 0, 1])).toBe(0);
    expect(matthewsCorrelation([0], [0])).toBe(0);
  });

  it('is symmetric when counts tie (TP = TN, FP = FN)', () => {
    // TP 1, TN 1, FP 1, FN 1 → 0
    expect(matthewsCorrelation([1, 1, 0, 0], [1, 0, 1, 0])).toBe(0);
  });

  it('uses the multiclass form for three labels', () => {
    // gold a a b c, pred a b b c: C = [[1,1,0],[0,1,0],[0,0,1]], t = (2,1,1), p = (1,2,1), correct 3, n 4
    // (3·4 − (2+2+1)) / √((16 − 6)(16 − 6)) = 7/10
    expect(matthewsCorrelation(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'c'])).toBeCloseTo(0.7, 15);
  });
});
