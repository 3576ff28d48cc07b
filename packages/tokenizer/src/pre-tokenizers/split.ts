import type { NormalizedString } from '../normalized-string.js';
import { compilePattern, findMatches, type PatternSpec } from '../normalizers/pattern.js';
import { type PreTokenizer, type SplitBehavior, splitWithBehavior } from './pre-tokenizer.js';

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
