import { Tokenizer as HfTokenizer } from 'tokenizers';
import type { Encoding } from '../encoding.js';

export { HfTokenizer };

/** Map code-point offsets (what the Rust binding reports) to UTF-16 unit offsets. */
export function cpToUnitMap(s: string): Int32Array {
  const m = new Int32Array(s.length + 2);
  let cp = 0;
  for (let i = 0; i < s.length; i++) {
    m[cp++] = i;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  m[cp] = s.length;
  return m;
}

export interface Plain {
  ids: number[];
  typeIds: number[];
  tokens: string[];
  specialTokensMask: number[];
  attentionMask: number[];
  wordIds: Array<number | null>;
  sequenceIds: Array<number | null>;
  offsets: Array<[number, number]>;
  overflowing: Plain[];
}

/** Convert an HF encoding to our shape, with offsets in UTF-16 units of the right sequence's text. */
export function fromHf(
  e: any,
  text: string,
  pair: string | null,
  by: 'sequence' | 'type' = 'sequence',
): Plain {
  const mA = cpToUnitMap(text);
  const mB = pair === null ? mA : cpToUnitMap(pair);
  const seq = e.getSequenceIds() as Array<number | null | undefined>;
  const typeIds = e.getTypeIds() as number[];
  const offs = e.getOffsets() as number[][];
  return {
    ids: e.getIds(),
    typeIds,
    tokens: e.getTokens(),
    specialTokensMask: e.getSpecialTokensMask(),
    attentionMask: e.getAttentionMask(),
    wordIds: (e.getWordIds() as Array<number | null | undefined>).map((w) => w ?? null),
    sequenceIds: seq.map((s) => s ?? null),
    offsets: offs.map(([a, b], i) => {
      // tokens without a sequence id (no post-processor, overflow windows) belong to the pair by type id
      const m = (by === 'type' ? typeIds[i] : (seq[i] ?? (pair === null ? 0 : typeIds[i]))) === 1 ? mB : mA;
      return [m[a], m[b]] as [number, number];
    }),
    overflowing: (e.getOverflowing() as any[]).map((o) => fromHf(o, text, pair, by)),
  };
}

export function toPlain(e: Encoding): Plain {
  return {
    ids: e.ids,
    typeIds: e.typeIds,
    tokens: e.tokens,
    specialTokensMask: e.specialTokensMask,
    attentionMask: e.attentionMask,
    wordIds: e.wordIds,
    sequenceIds: e.sequenceIds,
    offsets: e.offsets,
    overflowing: e.overflowing.map(toPlain),
  };
}
