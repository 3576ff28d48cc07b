import type { NormalizedString } from '../normalized-string.js';
import type { Normalizer } from './normalizer.js';
import { compilePattern, findMatches, type PatternSpec } from './pattern.js';

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
