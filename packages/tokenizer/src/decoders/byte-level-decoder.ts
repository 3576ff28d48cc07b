import { CHAR_TO_BYTE } from '../pre-tokenizers/byte-level.js';
import type { Decoder } from './decoder.js';

const UTF8 = new TextEncoder();

/** GPT-2 byte-level characters back to bytes, then UTF-8 (invalid sequences become U+FFFD, as in HF). */
export class ByteLevelDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    const bytes: number[] = [];
    for (const t of tokens) {
      for (const ch of t) {
        const b = CHAR_TO_BYTE.get(ch);
        if (b === undefined) bytes.push(...UTF8.encode(ch));
        else bytes.push(b);
      }
    }
    // ignoreBOM: a U+FEFF the text began with is text, not a byte-order mark to drop
    return [new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(bytes))];
  }
  toJSON(): Record<string, unknown> {
    return { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  }
}
