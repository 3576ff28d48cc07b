import { describe, expect, it } from 'vitest';
import { RawEncoding } from './encoding.js';
import { TruncationError } from './errors.js';
import {
  longestFirstLengths,
  type TruncationConfig,
  truncateEncodings,
  truncationBudget,
  truncationConfig,
} from './truncation.js';

function seq(n: number, base = 0): RawEncoding {
  return RawEncoding.special(
    Array.from({ length: n }, (_, i) => base + i),
    Array.from({ length: n }, (_, i) => `t${base + i}`),
    0,
  );
}

const cfg = (over: Partial<TruncationConfig> = {}): TruncationConfig => ({
  maxLength: 8,
  earlyExit: false,
  stride: 0,
  strategy: 'longest_first',
  direction: 'right',
  ...over,
});

describe('truncation', () => {
  it('longestFirstLengths: the longer sequence gives up tokens first, then both share (odd token to the longer, the second on a tie)', () => {
    expect(longestFirstLengths(3, 10, 8)).toEqual([3, 5]);
    expect(longestFirstLengths(10, 3, 8)).toEqual([5, 3]);
    expect(longestFirstLengths(10, 10, 7)).toEqual([3, 4]);
    expect(longestFirstLengths(6, 5, 7)).toEqual([4, 3]);
    expect(longestFirstLengths(2, 2, 10)).toEqual([2, 8]);
  });

  it('truncationConfig: options, the tokenizer.json block when the call is silent, typed errors naming the option', () => {
    expect(truncationConfig({}, null)).toBeNull();
    expect(truncationConfig({ truncation: false }, { max_length: 5 })).toBeNull();
    expect(
      truncationConfig({ truncation: true, maxLength: 9, stride: 2, truncationSide: 'left' }, null),
    ).toEqual(cfg({ maxLength: 9, stride: 2, direction: 'left' }));
    expect(
      truncationConfig(
        { truncationEarlyExit: true },
        { max_length: 12, stride: 3, strategy: 'OnlySecond', direction: 'Left' },
      ),
    ).toEqual(cfg({ maxLength: 12, stride: 3, strategy: 'only_second', direction: 'left', earlyExit: true }));
    expect(() => truncationConfig({ truncation: true }, null)).toThrow(/maxLength/);
    expect(() => truncationConfig({ truncation: true, maxLength: 4, stride: -1 }, null)).toThrow(/stride/);
    expect(() => truncationConfig({ truncation: 'bogus' as 'only_first', maxLength: 4 }, null)).toThrow(
      TruncationError,
    );
  });

  it('truncationBudget: maxLength minus the special tokens; impossible settings are TruncationErrors', () => {
    expect(truncationBudget(cfg({ maxLength: 10 }), 3, true)).toBe(7);
    expect(() => truncationBudget(cfg({ strategy: 'only_second' }), 2, false)).toThrow(/pair/);
    expect(() => truncationBudget(cfg({ maxLength: 2 }), 3, true)).toThrow(/shorter than the 3 special/);
    expect(() => truncationBudget(cfg({ maxLength: 6, stride: 4 }), 2, false)).toThrow(/stride 4/);
  });

  it('truncateEncodings: longest_first shares the budget, only_first cuts the first, overflow kept', () => {
    const a = seq(10);
    const b = seq(3, 100);
    truncateEncodings(a, b, cfg(), 8);
    expect([a.length, b.length]).toEqual([5, 3]);
    expect(a.overflowing.map((o) => o.ids)).toEqual([[5, 6, 7, 8, 9]]);
    const c = seq(10);
    const d = seq(4, 100);
    truncateEncodings(c, d, cfg({ strategy: 'only_first' }), 8);
    expect([c.length, d.length]).toEqual([4, 4]);
    const e = seq(2);
    expect(() => truncateEncodings(e, seq(9, 100), cfg({ strategy: 'only_first' }), 8)).toThrow(
      /'only_first': the sequence has 2 tokens but 3 must be removed/,
    );
    const short = seq(3);
    truncateEncodings(short, null, cfg(), 8);
    expect(short.length).toBe(3);
  });
});
