import type { NormalizedString } from '../normalized-string.js';
import { charMatches, type PreTokenizer, splitWithBehavior } from './pre-tokenizer.js';

const NUMERIC = /^\p{N}$/u;

const isNumeric = (cp: number) => NUMERIC.test(String.fromCodePoint(cp));

/** Split digits (each one alone, or contiguous runs). */
export class DigitsPreTokenizer implements PreTokenizer {
  constructor(readonly individualDigits = false) {}
  split(ns: NormalizedString): NormalizedString[] {
    return splitWithBehavior(
      ns,
      charMatches(ns.normalized, isNumeric),
      this.individualDigits ? 'Isolated' : 'Contiguous',
    );
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Digits', individual_digits: this.individualDigits };
  }
}
