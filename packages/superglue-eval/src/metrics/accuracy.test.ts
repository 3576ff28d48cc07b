import { describe, expect, it } from 'vitest';
import { InvalidGoldError } from '../errors.js';
import { accuracy } from './accuracy.js';

describe('accuracy', () => {
  it('counts exact matches over all gold examples', () => {
    expect(accuracy(['a', 'b', 'a', 'c'], ['a', 'a', 'a', 'c'])).toBe(0.75);
    expect(accuracy([true, false], [true, false])).toBe(1);
  });

  it('counts missing predictions as wrong', () => {
    expect(accuracy(['a', 'b', 'a', 'c'], ['a', undefined, null, 'c'])).toBe(0.5);
  });

  it('gives 0 for empty (all-missing) predictions', () => {
    expect(accuracy([0, 1, 1], [undefined, undefined, undefined])).toBe(0);
  });

  it('refuses no gold and misaligned predictions', () => {
    expect(() => accuracy([], [])).toThrow(InvalidGoldError);
    expect(() => accuracy([1, 0], [1])).toThrow(/2 gold labels but 1 predictions/);
  });
});
