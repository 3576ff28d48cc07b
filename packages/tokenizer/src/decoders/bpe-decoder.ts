import type { Decoder } from './decoder.js';

export class BpeDecoder implements Decoder {
  constructor(readonly suffix = '</w>') {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => t.replaceAll(this.suffix, i === tokens.length - 1 ? '' : ' '));
  }
  toJSON(): Record<string, unknown> {
    return { type: 'BPEDecoder', suffix: this.suffix };
  }
}
