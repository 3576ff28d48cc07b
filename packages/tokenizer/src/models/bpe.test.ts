import { describe, expect, it } from 'vitest';
import { VocabFormatError } from '../errors.js';
import { BPE, parseMergesTxt } from './bpe.js';

describe('BPE', () => {
  const vocab = new Map(['a', 'b', 'c', 'ab', 'bc', 'abc'].map((t, i) => [t, i]));
  it('applies merges by rank, leftmost first', () => {
    const bpe = new BPE(vocab, [
      ['b', 'c'],
      ['a', 'b'],
      ['a', 'bc'],
    ]);
    expect(bpe.tokenize('abc').values).toEqual(['abc']);
    expect(bpe.tokenize('abab').values).toEqual(['ab', 'ab']);
    const t = bpe.tokenize('cab');
    expect(t.values).toEqual(['c', 'ab']);
    expect(t.offsets).toEqual([0, 1, 1, 3]);
  });

  it('drops unknown characters without unk, maps them to unk (fused) with it', () => {
    expect(new BPE(vocab, []).tokenize('axb').values).toEqual(['a', 'b']);
    const v2 = new Map([...vocab, ['<unk>', 6]]);
    expect(new BPE(v2, [], { unkToken: '<unk>' }).tokenize('axxb').values).toEqual([
      'a',
      '<unk>',
      '<unk>',
      'b',
    ]);
    const fused = new BPE(v2, [], { unkToken: '<unk>', fuseUnk: true }).tokenize('axxb');
    expect(fused.values).toEqual(['a', '<unk>', 'b']);
    expect(fused.offsets).toEqual([0, 1, 1, 3, 3, 4]);
  });

  it('validates merges', () => {
    expect(() => new BPE(vocab, [['a', 'x']])).toThrow(VocabFormatError);
    expect(parseMergesTxt('#version: 0.2\na b\r\nb c\n')).toEqual([
      ['a', 'b'],
      ['b', 'c'],
    ]);
    expect(() => parseMergesTxt('a b c\n', 'm.txt')).toThrow(/m\.txt:1/);
  });
});
