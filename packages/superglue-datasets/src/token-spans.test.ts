import { describe, expect, it } from 'vitest';
import { bertTokenizer } from './test-fixtures/tokenizer.js';
import { charSpanToTokens, sequenceCharRange, tokenSequenceIds } from './token-spans.js';
import type { EncodingLike } from './tokenizer-contract.js';

const tok = await bertTokenizer();

function fake(special: number[], sequenceIds: (number | null)[]): EncodingLike {
  return {
    ids: special.map((_, i) => i),
    typeIds: special.map(() => 0),
    attentionMask: special.map(() => 1),
    offsets: special.map((s, i) => (s ? [0, 0] : [i, i + 1])),
    sequenceIds,
    specialTokensMask: special,
    overflowing: [],
  };
}

describe('token spans', () => {
  it('maps character spans of each sequence to token ranges', () => {
    const enc = tok.encode("It doesn't rain.", 'The end.');
    // [CLS] it doesn ' t rain . [SEP] the end . [SEP]
    expect(charSpanToTokens(enc, 0, 3, 7)).toEqual([2, 3]); // "does" inside "doesn"
    expect(charSpanToTokens(enc, 0, 3, 10)).toEqual([2, 5]);
    expect(charSpanToTokens(enc, 1, 4, 7)).toEqual([9, 10]);
    expect(charSpanToTokens(enc, 1, 100, 107)).toBeNull();
    expect(sequenceCharRange(enc, 0)).toEqual([0, 16]);
    expect(sequenceCharRange(enc, 1)).toEqual([0, 8]);
  });

  it('uses consistent sequenceIds as given', () => {
    expect(tokenSequenceIds(fake([1, 0, 0, 1, 0, 1], [null, 0, 0, null, 1, null]))).toEqual([
      null,
      0,
      0,
      null,
      1,
      null,
    ]);
  });

  it('derives sequence ids from runs of non-special tokens when sequenceIds are inconsistent', () => {
    // e.g. overflow windows whose sequenceIds are all 0
    expect(tokenSequenceIds(fake([1, 0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]))).toEqual([
      null,
      0,
      0,
      null,
      1,
      1,
      null,
    ]);
    expect(tokenSequenceIds(fake([1, 0, 1, 1, 0, 1], [0, 0, 0, 0, 0, 0]))).toEqual([
      null,
      0,
      null,
      null,
      1,
      null,
    ]);
  });
});
