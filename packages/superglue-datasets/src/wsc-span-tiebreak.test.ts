// A mis-indexed WSC span is relocated to the nearest word start where its phrase occurs; when
// two occurrences are equally far on both sides of the official index, the earlier one wins
// (the scan keeps the first best: a later candidate must be strictly nearer).
import { describe, expect, it } from 'vitest';
import type { WscRecord } from './types.js';
import { wscCharSpan } from './wsc-spans.js';

function rec(text: string, i1: number, t1: string, i2: number, t2: string): WscRecord {
  return { text, target: { span1_index: i1, span1_text: t1, span2_index: i2, span2_text: t2 }, idx: 0 };
}

describe('wscCharSpan: relocation tie-break', () => {
  // Words: 0 the, 1 dog, 2 saw, 3 a, 4 cat, 5 and, 6 the, 7 dog, 8 ran.
  const text = 'the dog saw a cat and the dog ran.';

  it('equal distances on both sides (index 4, "dog" at 1 and 7): the earlier occurrence', () => {
    expect(wscCharSpan(rec(text, 4, 'dog', 8, 'ran'), 1)).toEqual({
      start: 4,
      end: 7,
      wordIndex: 1,
      alignment: 'relocated',
    });
    // The same for span 2, with a phrase that needs normalizing ("The dog," → "the dog").
    expect(wscCharSpan(rec(text, 1, 'dog', 3, 'The dog,'), 2)).toEqual({
      start: 0,
      end: 7,
      wordIndex: 0,
      alignment: 'relocated',
    });
  });

  it('otherwise the nearer occurrence, on either side', () => {
    expect(wscCharSpan(rec(text, 5, 'dog', 8, 'ran'), 1)).toMatchObject({ wordIndex: 7, start: 26, end: 29 });
    expect(wscCharSpan(rec(text, 3, 'dog', 8, 'ran'), 1)).toMatchObject({ wordIndex: 1, start: 4, end: 7 });
  });
});
