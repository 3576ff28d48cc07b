import type { Decoder } from './decoder.js';

export class ReplaceDecoder implements Decoder {
  private readonly re: RegExp;
  constructor(
    readonly pattern: { String: string } | { Regex: string },
    readonly content: string,
  ) {
    this.re =
      'String' in pattern
        ? new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu')
        : new RegExp(pattern.Regex, 'gu');
  }
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => t.replace(this.re, () => this.content));
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Replace', pattern: this.pattern, content: this.content };
  }
}
