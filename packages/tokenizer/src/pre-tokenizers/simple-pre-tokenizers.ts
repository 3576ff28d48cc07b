import type { NormalizedString } from '../normalized-string.js';
import { compilePattern, findMatches, type PatternSpec } from '../normalizers/simple-normalizers.js';
import { BERT_PUNCT, charFlags, WHITESPACE } from '../unicode.js';
import { charMatches, type PreTokenizer, type SplitBehavior, splitWithBehavior } from './pre-tokenizer.js';

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

/** Split on a string or regex pattern. */
export class SplitPreTokenizer implements PreTokenizer {
  private readonly re: RegExp;
  constructor(
    readonly pattern: PatternSpec,
    readonly behavior: SplitBehavior,
    readonly invert = false,
  ) {
    this.re = compilePattern(pattern);
  }
  split(ns: NormalizedString): NormalizedString[] {
    return splitWithBehavior(ns, findMatches(this.re, ns.normalized), this.behavior, this.invert);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Split', pattern: this.pattern, behavior: this.behavior, invert: this.invert };
  }
}

export type PrependScheme = 'always' | 'first' | 'never';

/** SentencePiece-style: spaces become `replacement`, optionally prepended, split before each one. */
export class MetaspacePreTokenizer implements PreTokenizer {
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: PrependScheme = 'always',
    readonly splitOnReplacement = true,
  ) {}
  split(ns: NormalizedString): NormalizedString[] {
    ns.replaceRanges(
      charMatches(ns.normalized, (cp) => cp === 32),
      this.replacement,
    );
    if (!ns.normalized.startsWith(this.replacement)) {
      if (this.prependScheme === 'always' || (this.prependScheme === 'first' && ns.origStart(0) === 0))
        ns.prepend(this.replacement);
    }
    if (!this.splitOnReplacement) return ns.length > 0 ? [ns] : [];
    const r = this.replacement;
    const matches: Array<[number, number]> = [];
    for (let i = ns.normalized.indexOf(r); i >= 0; i = ns.normalized.indexOf(r, i + r.length))
      matches.push([i, i + r.length]);
    return splitWithBehavior(ns, matches, 'MergedWithNext');
  }
  toJSON(): Record<string, unknown> {
    return {
      type: 'Metaspace',
      replacement: this.replacement,
      prepend_scheme: this.prependScheme,
      split: this.splitOnReplacement,
    };
  }
}

/** Apply pre-tokenizers in order, each on every piece of the previous one. */
export class SequencePreTokenizer implements PreTokenizer {
  constructor(readonly preTokenizers: PreTokenizer[]) {}
  split(ns: NormalizedString): NormalizedString[] {
    let pieces = [ns];
    for (const p of this.preTokenizers) {
      const next: NormalizedString[] = [];
      for (const piece of pieces) for (const q of p.split(piece)) if (q.length > 0) next.push(q);
      pieces = next;
    }
    return pieces;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Sequence', pretokenizers: this.preTokenizers.map((p) => p.toJSON()) };
  }
}
