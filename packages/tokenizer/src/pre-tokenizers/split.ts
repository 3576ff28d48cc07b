import type { NormalizedString } from '../normalized-string.js';
import { compilePattern, type PatternSpec } from '../normalizers/pattern.js';
import type { GuardedRegex } from '../regex-safety/guarded-regex.js';
import { type PreTokenizer, type SplitBehavior, splitWithBehavior } from './pre-tokenizer.js';

/** Split on a string or regex pattern (a regex pattern runs guarded: see `GuardedRegex`). */
export class SplitPreTokenizer implements PreTokenizer {
  private readonly re: GuardedRegex;
  constructor(
    readonly pattern: PatternSpec,
    readonly behavior: SplitBehavior,
    readonly invert = false,
    where = 'Split pre-tokenizer.pattern',
  ) {
    this.re = compilePattern(pattern, where);
  }
  split(ns: NormalizedString): NormalizedString[] {
    return splitWithBehavior(ns, this.re.matches(ns.normalized), this.behavior, this.invert);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Split', pattern: this.pattern, behavior: this.behavior, invert: this.invert };
  }
}
