import { describe, expect, it } from 'vitest';
import { meanStd, pearson, pm, ranks, spearman } from './stats.js';

describe('experiment statistics', () => {
  it('mean ± sample std, ranks with ties, Spearman by hand', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(meanStd([0.7]).std).toBe(0);
    expect(ranks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // monotone but not linear: Spearman 1, Pearson < 1
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 1000])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [1, 8, 27, 1000])).toBeLessThan(0.9);
    // 1 − 6Σd²/(n(n²−1)) without ties: d = (0, −2, 1, 1) → 1 − 36/60
    expect(spearman([1, 2, 3, 4], [1, 4, 2, 3])).toBeCloseTo(1 - (6 * 6) / 60, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pm({ mean: 0.5, std: 0.05, n: 3 })).toBe('50.0 ± 5.0');
    expect(pm({ mean: Number.NaN, std: 0, n: 0 })).toBe('—');
  });
});
