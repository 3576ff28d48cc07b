import type { NormalizedString } from '../normalized-string.js';
import { BERT_PUNCT, charFlags } from '../unicode.js';
import { charMatches, type PreTokenizer, type SplitBehavior, splitWithBehavior } from './pre-tokenizer.js';

const isPunct = (cp: number) => (charFlags(cp) & BERT_PUNCT) !== 0;

/** Split on punctuation characters. */
export class PunctuationPreTokenizer implements PreTokenizer {
  constructor(readonly behavior: SplitBehavior = 'Isolated') {}
  split(ns: NormalizedString): NormalizedString[] {
    return splitWithBehavior(ns, charMatches(ns.normalized, isPunct), this.behavior);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Punctuation', behavior: this.behavior };
  }
}
