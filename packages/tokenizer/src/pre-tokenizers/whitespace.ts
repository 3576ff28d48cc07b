import type { NormalizedString } from '../normalized-string.js';
import { findMatches } from '../normalizers/pattern.js';
import { type PreTokenizer, splitWithBehavior } from './pre-tokenizer.js';

const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';

const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** `\w+|[^\w\s]+` with Rust regex's Unicode classes. */
const WHITESPACE_RE = new RegExp(`[${WORD}]+|[^${WORD}${SPACE}]+`, 'gu');

/** Keep runs of word characters and runs of other non-space characters. */
export class WhitespacePreTokenizer implements PreTokenizer {
  split(ns: NormalizedString): NormalizedString[] {
    return splitWithBehavior(ns, findMatches(WHITESPACE_RE, ns.normalized), 'Removed', true);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Whitespace' };
  }
}
