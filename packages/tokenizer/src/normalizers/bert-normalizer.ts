import type { NormalizedString } from '../normalized-string.js';
import { CHINESE, CONTROL, charFlags, lowerChar, MARK_NONSPACING, WHITESPACE } from '../unicode.js';
import type { Normalizer } from './normalizer.js';

export interface BertNormalizerOptions {
  cleanText?: boolean;
  handleChineseChars?: boolean;
  /** null/undefined: follow `lowercase` (as BERT does). */
  stripAccents?: boolean | null;
  lowercase?: boolean;
}

/** BERT's normalizer: clean control chars, pad CJK ideographs with spaces, strip accents, lowercase. */
export class BertNormalizer implements Normalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;

  constructor(o: BertNormalizerOptions = {}) {
    this.cleanText = o.cleanText ?? true;
    this.handleChineseChars = o.handleChineseChars ?? true;
    this.stripAccents = o.stripAccents ?? null;
    this.lowercase = o.lowercase ?? true;
  }

  normalize(ns: NormalizedString): void {
    const s = ns.normalized;
    // Fast path: printable ASCII plus \t \n \r maps one unit to one unit, so alignment is unchanged.
    let ascii = true;
    let ws = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0x7f) continue;
      if (c === 9 || c === 10 || c === 13) {
        ws = true;
        continue;
      }
      ascii = false;
      break;
    }
    if (ascii) {
      let r = this.lowercase ? s.toLowerCase() : s;
      if (ws && this.cleanText) r = r.replace(/[\t\n\r]/g, ' ');
      ns.normalized = r;
      return;
    }
    const clean = this.cleanText;
    const chinese = this.handleChineseChars;
    const strip = this.stripAccents ?? this.lowercase;
    const lower = this.lowercase;
    // same stages as HF: clean text, pad CJK, NFD + drop nonspacing marks, lowercase
    if (clean || chinese)
      ns.mapChars((cp) => {
        const f = charFlags(cp);
        if (clean) {
          if (cp === 0 || cp === 0xfffd || f & CONTROL) return '';
          if (f & WHITESPACE) return ' ';
        }
        if (chinese && f & CHINESE) return ` ${String.fromCodePoint(cp)} `;
        return null;
      });
    if (strip) {
      // whole-sequence NFD so that canonical reordering aligns like HF's
      ns.unicodeNormalize('NFD');
      ns.mapChars((cp) => (charFlags(cp) & MARK_NONSPACING ? '' : lower ? lowerChar(cp) : null));
    } else if (lower) ns.mapChars(lowerChar);
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'BertNormalizer',
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents,
      lowercase: this.lowercase,
    };
  }
}
