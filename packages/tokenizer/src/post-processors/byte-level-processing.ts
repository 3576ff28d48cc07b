import type { RawEncoding } from '../encoding.js';
import { BYTE_TO_CHAR } from '../pre-tokenizers/byte-level.js';
import { charFlags, codePointAt, WHITESPACE } from '../unicode.js';
import type { PostProcessor } from './post-processor.js';

const SPACE_CHAR = BYTE_TO_CHAR[32];

function isSpaceLike(cp: number): boolean {
  return cp === SPACE_CHAR.charCodeAt(0) || (charFlags(cp) & WHITESPACE) !== 0;
}

function utf8Len(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Remove leading/trailing (byte-level) spaces from token offsets (HF `process_offsets`). */
export function trimByteLevelOffsets(e: RawEncoding, addPrefixSpace: boolean): void {
  for (const o of e.overflowing) trimByteLevelOffsets(o, addPrefixSpace);
  for (let i = 0; i < e.length; i++) {
    const tok = e.tokens[i];
    const chars = Array.from(tok, (c) => codePointAt(c, 0));
    let lead = 0;
    while (lead < chars.length && isSpaceLike(chars[lead])) lead++;
    let trail = 0;
    while (trail < chars.length && isSpaceLike(chars[chars.length - 1 - trail])) trail++;
    if (lead === 0 && trail === 0) continue;
    const off = e.offsets[i];
    let [a, b] = off;
    // HF moves offsets by bytes (one per byte-level space); a move that lands inside a multi-byte
    // character snaps to that character's start, as HF's byte→char conversion does.
    const src = e.source;
    if (lead > 0) {
      const isFirst = i === 0 || a === 0;
      if (isFirst && addPrefixSpace && lead === 1) lead = 0;
      let rem = lead;
      let pos = a;
      while (rem > 0 && pos < b) {
        const cp = codePointAt(src, pos);
        const len = utf8Len(cp);
        if (len > rem) break;
        rem -= len;
        pos += cp > 0xffff ? 2 : 1;
      }
      a = Math.min(pos, b);
    }
    if (trail > 0 && b >= trail) {
      let rem = trail;
      let pos = b;
      while (rem > 0 && pos > a) {
        const lo = src.charCodeAt(pos - 1);
        const w = lo >= 0xdc00 && lo <= 0xdfff && pos - 2 >= 0 ? 2 : 1;
        const len = utf8Len(codePointAt(src, pos - w));
        pos -= w;
        rem = len > rem ? 0 : rem - len;
      }
      b = Math.max(pos, a);
    }
    e.offsets[i] = [a, b];
  }
}

/** Byte-level post-processor: optionally trims offsets; adds no tokens. */
export class ByteLevelProcessing implements PostProcessor {
  constructor(
    readonly addPrefixSpace = true,
    readonly trimOffsets = true,
    readonly useRegex = true,
  ) {}
  addedTokens(): number {
    return 0;
  }
  processEncodings(encodings: RawEncoding[]): RawEncoding[] {
    if (this.trimOffsets) for (const e of encodings) trimByteLevelOffsets(e, this.addPrefixSpace);
    encodings.forEach((e, i) => {
      e.setSequenceId(i);
    });
    return encodings;
  }
  toJSON(): Record<string, unknown> {
    return {
      type: 'ByteLevel',
      add_prefix_space: this.addPrefixSpace,
      trim_offsets: this.trimOffsets,
      use_regex: this.useRegex,
    };
  }
}
