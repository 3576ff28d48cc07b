import { SeededRandom } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import { mulberry32, shuffled } from './seeded-shuffle.js';

const items = Array.from({ length: 50 }, (_, i) => i);

describe('shuffled', () => {
  it('is a permutation of a copy; the input is untouched', () => {
    const input = items.slice();
    const out = shuffled(input, 4);
    expect(input).toEqual(items);
    expect(out).not.toEqual(items);
    expect([...out].sort((a, b) => a - b)).toEqual(items);
  });

  it('is SeededRandom.shuffle: a seed, a generator or its next() give the same order', () => {
    const expected = new SeededRandom(11).shuffle(items.slice());
    expect(shuffled(items, 11)).toEqual(expected);
    expect(shuffled(items, new SeededRandom(11))).toEqual(expected);
    const rng = new SeededRandom(11);
    expect(shuffled(items, () => rng.next())).toEqual(expected);
    expect(shuffled(items, 12)).not.toEqual(expected);
  });

  it('advances a generator it is given, so successive calls differ', () => {
    const rng = new SeededRandom(3);
    expect(shuffled(items, rng)).not.toEqual(shuffled(items, rng));
  });

  it('deprecated mulberry32 keeps its exact stream (the order of runs made before SeededRandom)', () => {
    const r = mulberry32(42);
    expect([r(), r(), r()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(shuffled([0, 1, 2, 3, 4, 5, 6, 7], mulberry32(7))).toEqual([4, 6, 1, 2, 3, 5, 7, 0]);
  });
});
