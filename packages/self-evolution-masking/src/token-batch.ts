import { MaskingConfigError, ShapeMismatchError } from './errors.js';

type IntArray = Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array;

/**
 * A batch of token sequences as flat row-major typed arrays (`[B·T]`), the form every masking
 * function takes. Padding is marked by `attentionMask == 0`; special tokens ([CLS], [SEP], …) by
 * `specialTokensMask == 1` (as HF's `return_special_tokens_mask`) and/or by the masking options'
 * `specialTokenIds`. Neither is ever chosen for masking.
 */
export interface TokenBatch {
  /** Token ids `[B·T]`. Never modified by the masking functions. */
  inputIds: Int32Array;
  /** Sequence length T (the row stride). */
  seqLength: number;
  /** B; derived from `inputIds.length / seqLength` if omitted. */
  batchSize?: number;
  /** 1 for real tokens, 0 for padding `[B·T]`. Default: all real. */
  attentionMask?: IntArray;
  /** 1 for special tokens `[B·T]`. Default: none (beyond `specialTokenIds`). */
  specialTokensMask?: IntArray;
  /** Word index of each token `[B·T]` (HF `word_ids()`), −1 where there is none. Whole-word and span masking use it. */
  wordIds?: Int32Array;
  /** Segment ids `[B·T]`, passed through to the masked batch. */
  tokenTypeIds?: Int32Array;
}

/** What every masking function returns. */
export interface MaskedBatch {
  /** Masked input ids `[B·T]` (a new array). */
  inputIds: Int32Array;
  /** The original ids at masked positions, −100 elsewhere (HF convention) `[B·T]`. */
  labels: Int32Array;
  /** Flat indices `b·T + t` of the masked positions, ascending. */
  maskedPositions: Int32Array;
  /** The unmasked input ids (the caller's array, not copied). The SE step needs both streams. */
  originalInputIds: Int32Array;
  batchSize: number;
  seqLength: number;
  attentionMask?: IntArray;
  tokenTypeIds?: Int32Array;
}

export interface BatchShape {
  batchSize: number;
  seqLength: number;
}

export function checkBatch(batch: TokenBatch): BatchShape {
  if (!(batch?.inputIds instanceof Int32Array))
    throw new ShapeMismatchError('inputIds', 'must be an Int32Array [B·T]');
  const t = batch.seqLength;
  if (!Number.isInteger(t) || t < 1)
    throw new ShapeMismatchError('seqLength', `must be a positive integer, got ${t}`);
  if (batch.inputIds.length % t !== 0)
    throw new ShapeMismatchError(
      'inputIds',
      `length ${batch.inputIds.length} is not a multiple of seqLength ${t}`,
    );
  const b = batch.inputIds.length / t;
  if (batch.batchSize !== undefined && batch.batchSize !== b)
    throw new ShapeMismatchError('batchSize', `is ${batch.batchSize} but inputIds holds ${b} rows of ${t}`);
  for (const key of ['attentionMask', 'specialTokensMask', 'wordIds', 'tokenTypeIds'] as const) {
    const a = batch[key];
    if (a !== undefined && a.length !== batch.inputIds.length)
      throw new ShapeMismatchError(
        key,
        `length ${a.length} must equal inputIds length ${batch.inputIds.length}`,
      );
  }
  return { batchSize: b, seqLength: t };
}

/** 1 where a token may be masked: real (not padding), not special, not in `specialTokenIds`. */
export function candidateMask(batch: TokenBatch, specialTokenIds?: ReadonlySet<number>): Uint8Array {
  const n = batch.inputIds.length;
  const out = new Uint8Array(n);
  const att = batch.attentionMask;
  const spec = batch.specialTokensMask;
  for (let i = 0; i < n; i++) {
    if (att && att[i] === 0) continue;
    if (spec && spec[i] !== 0) continue;
    if (specialTokenIds?.has(batch.inputIds[i])) continue;
    out[i] = 1;
  }
  return out;
}

export function checkProbability(name: string, p: number): void {
  if (!(typeof p === 'number' && p >= 0 && p <= 1))
    throw new MaskingConfigError(name, `must be a probability in [0, 1], got ${p}`);
}

/** Assemble the `MaskedBatch` from a filled `MaskWriter`. */
export function finish(
  batch: TokenBatch,
  w: { inputIds: Int32Array; labels: Int32Array; positions(): Int32Array },
  batchSize: number,
  seqLength: number,
): MaskedBatch {
  return {
    inputIds: w.inputIds,
    labels: w.labels,
    maskedPositions: w.positions(),
    originalInputIds: batch.inputIds,
    batchSize,
    seqLength,
    attentionMask: batch.attentionMask,
    tokenTypeIds: batch.tokenTypeIds,
  };
}

export function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new MaskingConfigError(name, `must be a positive integer, got ${v}`);
}
