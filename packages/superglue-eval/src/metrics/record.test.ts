import { describe, expect, it } from 'vitest';
import { maxOverGold, normalizeAnswer, recordExactMatch, recordScores, recordTokenF1 } from './record.js';

describe('normalizeAnswer (SQuAD/ReCoRD)', () => {
  it('lowercases, drops punctuation and articles, collapses whitespace', () => {
    expect(normalizeAnswer('The Beatles!')).toBe('beatles');
    expect(normalizeAnswer('  A   U.S.A. ')).toBe('usa');
    expect(normalizeAnswer('an apple, the pear')).toBe('apple pear');
  });

  it('drops only whole-word articles', () => {
    expect(normalizeAnswer('Anthem of Theresa')).toBe('anthem of theresa');
    expect(normalizeAnswer('2the a_b')).toBe('2the ab');
  });

  it('removes every ASCII punctuation character', () => {
    expect(normalizeAnswer('x!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~y')).toBe('xy');
  });

  it('uses Unicode word boundaries like Python (é is a word character)', () => {
    expect(normalizeAnswer('éthe the')).toBe('éthe');
    expect(normalizeAnswer('Zoë\u00a0the\u2003end')).toBe('zoë end');
  });
});

describe('ReCoRD token F1 / EM', () => {
  it('match answers differing only by articles, punctuation and case', () => {
    expect(recordExactMatch('the beatles', 'The Beatles.')).toBe(1);
    expect(recordTokenF1('BEATLES', 'The Beatles')).toBe(1);
    expect(recordExactMatch('U.S.A', 'usa')).toBe(1);
  });

  it('computes token overlap F1', () => {
    // "big red dog" vs "red dog": 2 common, P 2/3, R 1 → 0.8
    expect(recordTokenF1('the big red dog', 'red dog')).toBeCloseTo(0.8, 15);
    expect(recordExactMatch('the big red dog', 'red dog')).toBe(0);
    // repeated tokens count with multiplicity: "dog dog" vs "dog" → P 1/2, R 1 → 2/3
    expect(recordTokenF1('dog dog', 'dog')).toBeCloseTo(2 / 3, 15);
  });

  it('gives 0 for an empty prediction (and, as in the official script, F1 0 when both normalise to empty)', () => {
    expect(recordTokenF1('', 'Paris')).toBe(0);
    expect(recordExactMatch('', 'Paris')).toBe(0);
    expect(recordTokenF1('the', 'a')).toBe(0);
    expect(recordExactMatch('the', 'a')).toBe(1);
  });

  it('takes the max over gold answers (ties: same value)', () => {
    expect(maxOverGold(recordTokenF1, 'red dog', ['cat', 'big red dog', 'red dog house'])).toBeCloseTo(
      0.8,
      15,
    );
    expect(maxOverGold(recordExactMatch, 'Paris', ['London', 'paris'])).toBe(1);
  });

  it('averages over all queries; unanswered queries score 0', () => {
    const s = recordScores(
      [['The Beatles'], ['red dog', 'dog'], ['Paris']],
      ['beatles', 'big red dog', undefined],
    );
    expect(s.em).toBeCloseTo(1 / 3, 15);
    expect(s.f1).toBeCloseTo((1 + 0.8 + 0) / 3, 15);
  });
});
