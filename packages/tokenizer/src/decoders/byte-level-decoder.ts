import { CHAR_TO_BYTE } from '../pre-tokenizers/byte-level.js';
import type { Decoder } from './decoder.js';

export class ByteLevelDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    const bytes: number[] = [];
    for (const t of tokens) {
      for (const ch of t) {
        const b = CHAR_TO_BYTE.get(ch);
        if (b === undefined) bytes.push(...Buffer.from(ch, 'utf8'));
        else bytes.push(b);
      }
    }
    return [new TextDecoder('utf-8').decode(Uint8Array.from(bytes))];
  }
  toJSON(): Record<string, unknown> {
    return { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  }
}
