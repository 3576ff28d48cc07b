import type { NormalizedString } from '../normalized-string.js';
import type { GuardedRegex } from '../regex-safety/guarded-regex.js';
import type { Normalizer } from './normalizer.js';
import { compilePattern, type PatternSpec } from './pattern.js';

/** Replace a pattern by a string (a regex pattern runs guarded: see `GuardedRegex`). */
export class ReplaceNormalizer implements Normalizer {
  private readonly re: GuardedRegex;
  constructor(
    readonly pattern: PatternSpec,
    readonly content: string,
    where = 'Replace normalizer.pattern',
  ) {
    this.re = compilePattern(pattern, where);
  }
  normalize(ns: NormalizedString): void {
    ns.replaceRanges(this.re.matches(ns.normalized), this.content);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Replace', pattern: this.pattern, content: this.content };
  }
}
