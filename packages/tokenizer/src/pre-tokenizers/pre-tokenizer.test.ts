import { describe, expect, it } from 'vitest';
import { NormalizedString } from '../normalized-string.js';
import { charMatches, type SplitBehavior, splitWithBehavior } from './pre-tokenizer.js';

const run = (s: string, b: SplitBehavior) =>
  splitWithBehavior(
    NormalizedString.from(s),
    charMatches(s, (cp) => cp === 0x2d),
    b,
  ).map((n) => n.normalized);

describe('splitWithBehavior (HF SplitDelimiterBehavior)', () => {
  it('handles each behavior', () => {
    expect(run('a-b--c', 'Removed')).toEqual(['a', 'b', 'c']);
    expect(run('a-b--c', 'Isolated')).toEqual(['a', '-', 'b', '-', '-', 'c']);
    expect(run('a-b--c', 'MergedWithPrevious')).toEqual(['a-', 'b-', '-', 'c']);
    expect(run('a-b--c', 'MergedWithNext')).toEqual(['a', '-b', '-', '-c']);
    expect(run('a-b--c', 'Contiguous')).toEqual(['a', '-', 'b', '--', 'c']);
    expect(run('', 'Isolated')).toEqual([]);
  });

  it('keeps offsets into the original', () => {
    const parts = splitWithBehavior(NormalizedString.from('xx-yy'), [[2, 3]], 'Removed');
    expect(parts.map((p) => p.toOriginal(0, p.length))).toEqual([
      [0, 2],
      [3, 5],
    ]);
  });
});
