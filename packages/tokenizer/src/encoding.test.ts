import { describe, expect, it } from 'vitest';
import { RawEncoding } from './encoding.js';
import { TruncationError } from './errors.js';

function seq(n: number, base = 0): RawEncoding {
  const e = RawEncoding.special(
    Array.from({ length: n }, (_, i) => base + i),
    Array.from({ length: n }, (_, i) => `t${base + i}`),
    0,
  );
  e.specialTokensMask = e.ids.map(() => 0);
  return e;
}

describe('RawEncoding', () => {
  it('truncate: head plus overflow windows stepping by maxLen - stride', () => {
    const e = seq(10);
    e.truncate(4, 1);
    expect(e.ids).toEqual([0, 1, 2, 3]);
    expect(e.overflowing.map((o) => o.ids)).toEqual([
      [3, 4, 5, 6],
      [6, 7, 8, 9],
    ]);
    const l = seq(10);
    l.truncate(4, 1, 'left');
    expect(l.ids).toEqual([6, 7, 8, 9]);
    expect(l.overflowing.map((o) => o.ids)).toEqual([
      [3, 4, 5, 6],
      [0, 1, 2, 3],
    ]);
    expect(() => seq(10).truncate(3, 3)).toThrow(TruncationError);
    const z = seq(3);
    z.truncate(0, 0);
    expect(z.ids).toEqual([]);
    expect(z.overflowing[0].ids).toEqual([0, 1, 2]);
  });

  it('mergeWith combines overflow windows of both sides (HF merge_with)', () => {
    const a = seq(4);
    a.truncate(2, 0);
    const b = seq(4, 10);
    b.truncate(2, 0);
    const m = RawEncoding.merge([a, b]);
    expect(m.ids).toEqual([0, 1, 10, 11]);
    expect(m.overflowing.map((o) => o.ids)).toEqual([
      [2, 3, 10, 11],
      [2, 3, 12, 13],
      [0, 1, 12, 13],
    ]);
  });

  it('pad left/right and sequence ids', () => {
    const e = seq(2);
    e.setSequenceId(0);
    e.pad(4, 0, 0, '[PAD]', 'left');
    expect(e.ids).toEqual([0, 0, 0, 1]);
    expect(e.attentionMask).toEqual([0, 0, 1, 1]);
    expect(e.specialTokensMask).toEqual([1, 1, 0, 0]);
    expect(e.sequenceIds()).toEqual([null, null, 0, 0]);
    const r = seq(2);
    r.pad(3, 9, 1, '[PAD]', 'right');
    expect(r.typeIds).toEqual([0, 0, 1]);
    expect(r.tokens.at(-1)).toBe('[PAD]');
  });
});
