import type { Decoder } from './decoder.js';

export class FuseDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    return [tokens.join('')];
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Fuse' };
  }
}
