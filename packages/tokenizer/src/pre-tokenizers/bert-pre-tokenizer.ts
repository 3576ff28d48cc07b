import type { NormalizedString } from '../normalized-string.js';
import { BERT_PUNCT, charFlags, codePointAt, WHITESPACE } from '../unicode.js';
import type { PreTokenizer } from './pre-tokenizer.js';

/** Split on whitespace (removed) and on punctuation (isolated), in one pass. */
export class BertPreTokenizer implements PreTokenizer {
  split(ns: NormalizedString): NormalizedString[] {
    const s = ns.normalized;
    const out: NormalizedString[] = [];
    let start = -1;
    const n = s.length;
    for (let i = 0; i < n; ) {
      const c = s.charCodeAt(i);
      let w = 1;
      let f: number;
      if (c < 128) {
        // ASCII: letters/digits are the common case
        if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
          if (start < 0) start = i;
          i++;
          continue;
        }
        f = charFlags(c);
      } else {
        const cp = codePointAt(s, i);
        if (cp > 0xffff) w = 2;
        f = charFlags(cp);
      }
      if (f & WHITESPACE) {
        if (start >= 0) out.push(ns.slice(start, i));
        start = -1;
      } else if (f & BERT_PUNCT) {
        if (start >= 0) out.push(ns.slice(start, i));
        start = -1;
        out.push(ns.slice(i, i + w));
      } else if (start < 0) start = i;
      i += w;
    }
    if (start >= 0) out.push(ns.slice(start, n));
    return out;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'BertPreTokenizer' };
  }
}
