import { describe, expect, it } from 'vitest';
import { genderParity } from './gender-parity.js';

describe('genderParity', () => {
  it('is the share of row pairs (2k, 2k+1) predicted the same', () => {
    expect(genderParity(['e', 'e', 'e', 'n', 'n', 'n', 'n', 'e'])).toBe(0.5);
  });

  it('counts a pair with a missing prediction as differing', () => {
    expect(genderParity(['e', 'e', undefined, 'n', undefined, undefined])).toBeCloseTo(1 / 3, 15);
  });

  it('is 1 for a constant predictor', () => {
    expect(genderParity(['n', 'n', 'n', 'n'])).toBe(1);
  });

  it('refuses an odd number of rows', () => {
    expect(() => genderParity(['e', 'e', 'n'])).toThrow(/even/);
  });
});
