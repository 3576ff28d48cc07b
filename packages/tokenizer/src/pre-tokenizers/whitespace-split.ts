import type { NormalizedString } from '../normalized-string.js';
import { charFlags, WHITESPACE } from '../unicode.js';
import { charMatches, type PreTokenizer, splitWithBehavior } from './pre-tokenizer.js';

const isWs = (cp: number) => (charFlags(cp) & WHITESPACE) !== 0;

/** Split on whitespace only. */
export class WhitespaceSplitPreTokenizer implements PreTokenizer {
  split(ns: NormalizedString): NormalizedString[] {
    return splitWithBehavior(ns, charMatches(ns.normalized, isWs), 'Removed');
  }
  toJSON(): Record<string, unknown> {
    return { type: 'WhitespaceSplit' };
  }
}
