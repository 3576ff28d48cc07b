import { describe, expect, it } from 'vitest';
import { loadSplit } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';
import type { WscRecord } from './types.js';
import { wscCharSpan } from './wsc-spans.js';

const norm = (s: string) =>
  s
    .replace(/[\s.,;:!?"'`)\]]+$/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();

function rec(text: string, i1: number, t1: string, i2: number, t2: string): WscRecord {
  return { text, target: { span1_index: i1, span1_text: t1, span2_index: i2, span2_text: t2 }, idx: 0 };
}

describe('wscCharSpan', () => {
  it('maps word indices into text.split(" ") to character spans', () => {
    const r = rec('Mark told Pete many lies about himself, which he hid.', 0, 'Mark', 8, 'he');
    expect(wscCharSpan(r, 1)).toEqual({ start: 0, end: 4, wordIndex: 0, alignment: 'exact' });
    expect(wscCharSpan(r, 2)).toEqual({ start: 46, end: 48, wordIndex: 8, alignment: 'exact' });
  });

  it('stops before a trailing comma or possessive, and ignores case', () => {
    const r = rec("Then the Kid's dog barked, and it ran.", 1, 'The kid', 6, 'it');
    expect(wscCharSpan(r, 1)).toMatchObject({ start: 5, end: 12, alignment: 'exact' });
  });

  it('does not match a word that only starts with the phrase', () => {
    const r = rec('The item fell because it broke.', 1, 'it', 4, 'it');
    expect(wscCharSpan(r, 1)).toMatchObject({ wordIndex: 4, alignment: 'relocated' });
  });

  const all: { split: string; r: WscRecord }[] = [];
  it('every official WSC record: the span text is found, except the documented defects', async () => {
    for (const split of ['train', 'val', 'test'] as const) {
      const { records } = await loadSplit('WSC', split, { dir: SUPERGLUE_DATA });
      for (const r of records) all.push({ split, r });
    }
    expect(all).toHaveLength(554 + 104 + 146);
    const odd: string[] = [];
    const counts: Record<string, number> = {};
    for (const { split, r } of all) {
      for (const k of [1, 2] as const) {
        const span = wscCharSpan(r, k);
        counts[span.alignment] = (counts[span.alignment] ?? 0) + 1;
        const phrase = k === 1 ? r.target.span1_text : r.target.span2_text;
        const got = r.text.slice(span.start, span.end);
        if (span.alignment === 'unmatched' || span.alignment === 'relocated') {
          odd.push(`${split}:${r.idx}:${k}:${span.alignment}`);
        }
        if (span.alignment === 'unmatched') {
          const index = k === 1 ? r.target.span1_index : r.target.span2_index;
          expect(got.startsWith(r.text.split(' ')[index]!)).toBe(true);
        } else {
          expect(norm(got), `${split} idx ${r.idx} span${k}`).toBe(norm(phrase));
        }
      }
    }
    expect(odd).toEqual([
      'val:42:2:relocated',
      'test:80:1:unmatched',
      'test:81:1:relocated',
      'test:82:1:unmatched',
    ]);
    expect(counts.exact! + counts.normalized!).toBe(2 * all.length - 4);
  });
});
