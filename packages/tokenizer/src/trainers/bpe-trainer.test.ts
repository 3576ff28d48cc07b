import { describe, expect, it } from 'vitest';
import { trainBpeModel } from './bpe-trainer.js';
import { makeProgress } from './progress.js';

const quiet = makeProgress(false);

describe('trainBpeModel', () => {
  it('merges the most frequent pair first (ties to the lowest ids) and stops at the vocab size', () => {
    const counts = new Map([
      ['aab', 5],
      ['ab', 3],
      ['b', 1],
    ]);
    const r = trainBpeModel(
      counts,
      { vocabSize: 4, minFrequency: 0, specialTokens: [], initialAlphabet: [] },
      quiet,
    );
    // alphabet a=0, b=1; pairs: (a,b) 8, (a,a) 5 → merge a+b
    expect([...r.vocab.keys()]).toEqual(['a', 'b', 'ab', 'aab']);
    expect(r.merges).toEqual([
      ['a', 'b'],
      ['a', 'ab'],
    ]);
  });

  it('honours min frequency, special tokens, prefixes and the alphabet limit', () => {
    const counts = new Map([
      ['hello', 2],
      ['help', 1],
      ['zq', 1],
    ]);
    const r = trainBpeModel(
      counts,
      {
        vocabSize: 100,
        minFrequency: 3,
        specialTokens: ['[UNK]'],
        initialAlphabet: [],
        limitAlphabet: 4,
        continuingSubwordPrefix: '##',
      },
      quiet,
    );
    expect(r.vocab.get('[UNK]')).toBe(0);
    expect(r.vocab.has('z')).toBe(false);
    expect(r.merges).toEqual([
      ['h', '##e'],
      ['he', '##l'],
    ]);
    expect(r.vocab.has('hel')).toBe(true);
  });
});
