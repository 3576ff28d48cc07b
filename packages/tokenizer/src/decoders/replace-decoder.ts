import { compilePattern, type PatternSpec } from '../normalizers/pattern.js';
import type { GuardedRegex } from '../regex-safety/guarded-regex.js';
import type { Decoder } from './decoder.js';

/** Replace a pattern in every token (a regex pattern runs guarded: see `GuardedRegex`). */
export class ReplaceDecoder implements Decoder {
  private readonly re: GuardedRegex;
  constructor(
    readonly pattern: PatternSpec,
    readonly content: string,
    where = 'Replace decoder.pattern',
  ) {
    this.re = compilePattern(pattern, where);
  }
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => this.re.replaceAll(t, this.content));
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Replace', pattern: this.pattern, content: this.content };
  }
}
