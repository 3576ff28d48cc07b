import type { NormalizedString } from '../normalized-string.js';
import { isWhitespaceCp, lowerChar } from '../unicode.js';
import type { Normalizer } from './normalizer.js';

/** NFC / NFD / NFKC / NFKD. */
export class UnicodeNormalizer implements Normalizer {
  constructor(readonly form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD') {}
  normalize(ns: NormalizedString): void {
    ns.unicodeNormalize(this.form);
  }
  toJSON(): Record<string, unknown> {
    return { type: this.form };
  }
}

/** Per-character lowercase (Rust char::to_lowercase). */
export class LowercaseNormalizer implements Normalizer {
  normalize(ns: NormalizedString): void {
    const s = ns.normalized;
    const lower = s.toLowerCase();
    // Length-preserving and free of final-sigma context rules: keep alignment as is.
    if (lower.length === s.length && !s.includes('\u03a3')) {
      ns.normalized = lower;
      return;
    }
    ns.mapChars(lowerChar);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Lowercase' };
  }
}

const MARK = /^\p{M}$/u;
/** Remove combining marks (usually after NFD). */
export class StripAccentsNormalizer implements Normalizer {
  normalize(ns: NormalizedString): void {
    ns.filter((cp) => !MARK.test(String.fromCodePoint(cp)));
  }
  toJSON(): Record<string, unknown> {
    return { type: 'StripAccents' };
  }
}

/** Strip whitespace on the left and/or right. */
export class StripNormalizer implements Normalizer {
  constructor(
    readonly left = true,
    readonly right = true,
  ) {}
  normalize(ns: NormalizedString): void {
    const s = ns.normalized;
    let a = 0;
    let b = s.length;
    if (this.left) while (a < b && isWhitespaceCp(s.charCodeAt(a))) a++;
    if (this.right) while (b > a && isWhitespaceCp(s.charCodeAt(b - 1))) b--;
    if (a === 0 && b === s.length) return;
    const sl = ns.slice(a, b);
    ns.normalized = sl.normalized;
    ns.align = sl.align;
    ns.shift = sl.shift;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Strip', strip_left: this.left, strip_right: this.right };
  }
}

/** Prepend a string (e.g. '▁') to non-empty input. */
export class PrependNormalizer implements Normalizer {
  constructor(readonly prepend: string) {}
  normalize(ns: NormalizedString): void {
    ns.prepend(this.prepend);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Prepend', prepend: this.prepend };
  }
}

export type PatternSpec = { String: string } | { Regex: string };

const RX_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RX_WORD = '\\p{L}\\p{M}\\p{N}\\p{Pc}';
const RX_DIGIT = '\\p{Nd}';

/**
 * Translate an Oniguruma (HF) regex to a JS `u` regex: `\w`, `\d`, `\s` are Unicode-aware there
 * (and `\s` includes U+0085 but not U+FEFF), while in JS they are ASCII / slightly different.
 */
export function onigToJs(re: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\' && i + 1 < re.length) {
      const n = re[i + 1];
      const cls =
        n === 'w' || n === 'W'
          ? RX_WORD
          : n === 'd' || n === 'D'
            ? RX_DIGIT
            : n === 's' || n === 'S'
              ? RX_SPACE
              : null;
      if (cls !== null) {
        const neg = n === 'W' || n === 'D' || n === 'S';
        if (inClass) out += neg ? re.slice(i, i + 2) : cls;
        else out += neg ? `[^${cls}]` : `[${cls}]`;
      } else out += re.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** Compile an HF pattern into a global JS regex. */
export function compilePattern(p: PatternSpec): RegExp {
  if ('String' in p) return new RegExp(p.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  return new RegExp(onigToJs(p.Regex), 'gu');
}

/** Non-empty match ranges of a global regex (string patterns never match empty). */
export function findMatches(re: RegExp, s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/** Replace a pattern by a string. */
export class ReplaceNormalizer implements Normalizer {
  private readonly re: RegExp;
  constructor(
    readonly pattern: PatternSpec,
    readonly content: string,
  ) {
    this.re = compilePattern(pattern);
  }
  normalize(ns: NormalizedString): void {
    ns.replaceRanges(findMatches(this.re, ns.normalized), this.content);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Replace', pattern: this.pattern, content: this.content };
  }
}

/** Apply normalizers in order. */
export class SequenceNormalizer implements Normalizer {
  constructor(readonly normalizers: Normalizer[]) {}
  normalize(ns: NormalizedString): void {
    for (const n of this.normalizers) n.normalize(ns);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Sequence', normalizers: this.normalizers.map((n) => n.toJSON()) };
  }
}
