import { describe, expect, it } from 'vitest';
import { WordPiece } from './wordpiece.js';

const vocab = new Map(['[UNK]', 'un', '##aff', '##able', 'a', '##b', '😀', '##😀'].map((t, i) => [t, i]));
const wp = new WordPiece(vocab);
const short = new WordPiece(vocab, { maxInputCharsPerWord: 5 });

describe('WordPiece', () => {
  it('greedy longest match with ## continuations and offsets', () => {
    const t = wp.tokenize('unaffable');
    expect(t.values).toEqual(['un', '##aff', '##able']);
    expect(t.offsets).toEqual([0, 2, 2, 5, 5, 9]);
  });

  it('whole word becomes [UNK] when a piece is missing or the word is too long', () => {
    expect(wp.tokenize('unx').values).toEqual(['[UNK]']);
    expect(wp.tokenize('unx').offsets).toEqual([0, 3]);
    expect(short.tokenize('abbbbb').values).toEqual(['[UNK]']);
    expect(short.tokenize('abbbb').values).toEqual(['a', '##b', '##b', '##b', '##b']);
    expect(wp.tokenize(`a${'b'.repeat(99)}`).values).toHaveLength(100);
    expect(wp.tokenize(`a${'b'.repeat(100)}`).values).toEqual(['[UNK]']);
  });

  it('never splits a surrogate pair; length limit counts code points', () => {
    const t = short.tokenize('😀😀😀😀😀');
    expect(t.values).toEqual(['😀', '##😀', '##😀', '##😀', '##😀']);
    expect(t.offsets.slice(0, 4)).toEqual([0, 2, 2, 4]);
  });
});
