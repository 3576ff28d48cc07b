import type { NormalizedString } from '../normalized-string.js';
import { charMatches, type PreTokenizer, splitWithBehavior } from './pre-tokenizer.js';

/** Split on one delimiter character, which is removed. */
export class CharDelimiterSplitPreTokenizer implements PreTokenizer {
  private readonly cp: number;
  constructor(readonly delimiter: string) {
    this.cp = delimiter.codePointAt(0)!;
  }
  split(ns: NormalizedString): NormalizedString[] {
    return splitWithBehavior(
      ns,
      charMatches(ns.normalized, (cp) => cp === this.cp),
      'Removed',
    );
  }
  toJSON(): Record<string, unknown> {
    return { type: 'CharDelimiterSplit', delimiter: this.delimiter };
  }
}
