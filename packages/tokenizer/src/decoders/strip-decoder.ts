import type { Decoder } from './decoder.js';

export class StripDecoder implements Decoder {
  constructor(
    readonly content: string,
    readonly start: number,
    readonly stop: number,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => {
      const chars = Array.from(t);
      let a = 0;
      for (let i = 0; i < this.start && chars[a] === this.content; i++) a++;
      let b = chars.length;
      for (let i = 0; i < this.stop && b > a && chars[b - 1] === this.content; i++) b--;
      return chars.slice(a, b).join('');
    });
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Strip', content: this.content, start: this.start, stop: this.stop };
  }
}
