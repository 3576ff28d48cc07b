import { describe, expect, it } from 'vitest';
import { NormalizedString } from './normalized-string.js';

const orig = (ns: NormalizedString) =>
  Array.from({ length: ns.length }, (_, i) => [ns.origStart(i), ns.origEnd(i)]);

describe('NormalizedString', () => {
  it('starts with the identity alignment and slices share it', () => {
    const ns = NormalizedString.from('hello world', 6);
    expect(ns.normalized).toBe('world');
    expect(ns.align).toBeNull();
    expect(ns.toOriginal(1, 3)).toEqual([7, 9]);
    expect(ns.slice(2, 4).toOriginal(0, 2)).toEqual([8, 10]);
  });

  it('mapChars: removals drop, expansions align to the source character', () => {
    const ns = NormalizedString.from('aXb😀c');
    ns.mapChars((cp) => (cp === 0x58 ? '' : cp === 0x1f600 ? '<e>' : String.fromCodePoint(cp)));
    expect(ns.normalized).toBe('ab<e>c');
    expect(orig(ns)).toEqual([
      [0, 1],
      [2, 3],
      [3, 5],
      [3, 5],
      [3, 5],
      [5, 6],
    ]);
  });

  it('replaceRanges aligns the replacement to the last replaced unit; prepend to the first character', () => {
    const ns = NormalizedString.from('a  b');
    ns.replaceRanges([[1, 3]], '_');
    expect(ns.normalized).toBe('a_b');
    expect(orig(ns)).toEqual([
      [0, 1],
      [2, 3],
      [3, 4],
    ]);
    ns.prepend('▁');
    expect(ns.normalized).toBe('▁a_b');
    expect(ns.toOriginal(0, 2)).toEqual([0, 1]);
  });

  it('NFD keeps each piece on its source character, canonical reordering moves alignments like HF', () => {
    const ns = NormalizedString.from('é\u302f\u0348');
    ns.unicodeNormalize('NFD');
    // marks sorted by combining class (0348: 220, 302F: 224, 0301: 230); change-0 items take the
    // input characters in order, the inserted 0301 the last one taken
    expect(ns.normalized).toBe('e\u0348\u302f\u0301');
    expect(orig(ns)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [2, 3],
    ]);
  });

  it('NFC aligns a composed character to the first character it replaces', () => {
    const ns = NormalizedString.from('xe\u0301y');
    ns.unicodeNormalize('NFC');
    expect(ns.normalized).toBe('xéy');
    expect(orig(ns)).toEqual([
      [0, 1],
      [1, 2],
      [3, 4],
    ]);
  });
});
