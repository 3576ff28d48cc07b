import type { EncodingLike } from './tokenizer-contract.js';

/** The plain-array model inputs of an encoding. */
export function inputsOf(enc: EncodingLike): {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
} {
  return {
    inputIds: Array.from(enc.ids),
    tokenTypeIds: Array.from(enc.typeIds),
    attentionMask: Array.from(enc.attentionMask),
  };
}

/**
 * Sequence id (0, 1) of each token, null for special tokens. Uses the encoding's `sequenceIds` when
 * they are consistent (null exactly on special tokens); otherwise, as for the overflow windows of
 * some tokenizer versions, derives them from the runs of non-special tokens (run k = sequence k),
 * which holds for the usual templates (`[CLS] A [SEP] B [SEP]`, `<s> A </s></s> B </s>`).
 */
export function tokenSequenceIds(enc: EncodingLike): (number | null)[] {
  const n = enc.ids.length;
  const out: (number | null)[] = new Array(n);
  let consistent = enc.sequenceIds.length === n;
  for (let i = 0; i < n && consistent; i++) {
    const id = enc.sequenceIds[i];
    const special = enc.specialTokensMask[i] === 1;
    if (special ? id !== null && id !== undefined : id !== 0 && id !== 1) consistent = false;
    out[i] = special ? null : (id as number);
  }
  if (consistent) return out;
  let run = -1;
  let inRun = false;
  for (let i = 0; i < n; i++) {
    if (enc.specialTokensMask[i] === 1) {
      inRun = false;
      out[i] = null;
    } else {
      if (!inRun) run++;
      inRun = true;
      out[i] = run;
    }
  }
  return out;
}

/**
 * Token range `[start, end)` of the tokens of `sequence` (0 or 1) whose character offsets overlap
 * the character range `[charStart, charEnd)` of that sequence's original text; null when no token
 * does (e.g. the span was truncated away). Special tokens and empty-offset tokens never match.
 */
export function charSpanToTokens(
  enc: EncodingLike,
  sequence: number,
  charStart: number,
  charEnd: number,
): [number, number] | null {
  let first = -1;
  let last = -1;
  const n = enc.ids.length;
  const seq = tokenSequenceIds(enc);
  for (let i = 0; i < n; i++) {
    if (seq[i] !== sequence) continue;
    const o = enc.offsets[i]!;
    const s = o[0]!;
    const e = o[1]!;
    if (e <= s) continue;
    if (s < charEnd && e > charStart) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? null : [first, last + 1];
}

/** Character range `[start, end)` covered by the tokens `[from, to)` (their first start, last end). */
export function tokensToCharSpan(enc: EncodingLike, from: number, to: number): [number, number] {
  return [enc.offsets[from]![0]!, enc.offsets[to - 1]![1]!];
}

/** Character range of the original text that the (non-special) tokens of `sequence` cover. */
export function sequenceCharRange(enc: EncodingLike, sequence: number): [number, number] | null {
  let start = Number.POSITIVE_INFINITY;
  let end = -1;
  const seq = tokenSequenceIds(enc);
  for (let i = 0; i < enc.ids.length; i++) {
    if (seq[i] !== sequence) continue;
    const o = enc.offsets[i]!;
    if (o[1]! <= o[0]!) continue;
    start = Math.min(start, o[0]!);
    end = Math.max(end, o[1]!);
  }
  return end < 0 ? null : [start, end];
}
