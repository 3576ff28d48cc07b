import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiteralMatcher } from './literal-matcher.js';
import { FUZZ_SEED } from './test-fixtures/fuzz.js';

/** All matches of `m` in `s`, the way AddedVocabulary walks them. */
function all(m: LiteralMatcher, s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let r = m.find(s, 0); r !== null; r = m.find(s, r[1])) out.push(r);
  return out;
}

/** The regex the matcher replaces: the literals, escaped, longest first, in one alternation. */
function viaRegex(literals: string[], s: string): Array<[number, number]> {
  const sorted = [...literals].sort((a, b) => b.length - a.length);
  const re = new RegExp(sorted.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return [...s.matchAll(re)].map((m) => [m.index, m.index + m[0].length]);
}

describe('LiteralMatcher', () => {
  it('leftmost, then longest; [CLS] inside text; astral characters by code unit', () => {
    const m = new LiteralMatcher(['[CLS]', '[C', 'ab', 'abc', '😀']);
    expect(all(m, 'x[CLS]abcab😀[C')).toEqual([
      [1, 6],
      [6, 9],
      [9, 11],
      [11, 13],
      [13, 15],
    ]);
    expect(new LiteralMatcher([]).find('abc', 0)).toBeNull();
  });

  it('finds what the longest-first regex alternation finds (property)', () => {
    const lit = fc.string({
      unit: fc.constantFrom('a', 'b', '[', ']', '.', '😀', '\ud800'),
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(lit, { minLength: 1, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '[', ']', '.', 'x', '😀', '\ud800'), maxLength: 30 }),
        (literals, s) => {
          expect(all(new LiteralMatcher(literals), s)).toEqual(viaRegex(literals, s));
        },
      ),
      { numRuns: 500, seed: FUZZ_SEED },
    );
  });

  it('200,000 literals: built and searched in time linear in the text', () => {
    const m = new LiteralMatcher(Array.from({ length: 200_000 }, (_, i) => `tok${i}`));
    const t0 = performance.now();
    expect(all(m, 'tok1 tok2 a '.repeat(1000))).toHaveLength(2000);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
