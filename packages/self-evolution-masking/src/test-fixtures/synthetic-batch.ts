import { SeededRandom } from '@selfevo/encoder-model';
import type { TokenBatch } from '../token-batch.js';

export const PAD = 0;
export const UNK = 100;
export const CLS = 101;
export const SEP = 102;
export const MASK = 103;
export const VOCAB = 30522;
export const SPECIAL_IDS = [PAD, UNK, CLS, SEP, MASK];

/**
 * A BERT-style padded batch: `[CLS] w… [SEP] [PAD]…` with random lengths, ids from the
 * non-special range, words of 1–3 word pieces, HF-style `wordIds` (−1 for special/padding).
 */
export function syntheticBatch(batchSize: number, seqLength: number, seed: number, minLen = 8): TokenBatch {
  const r = new SeededRandom(seed);
  const n = batchSize * seqLength;
  const inputIds = new Int32Array(n);
  const attentionMask = new Int32Array(n);
  const specialTokensMask = new Int32Array(n);
  const wordIds = new Int32Array(n).fill(-1);
  for (let b = 0; b < batchSize; b++) {
    const len = minLen + r.nextInt(seqLength - minLen + 1);
    const row = b * seqLength;
    let word = -1;
    let left = 0;
    for (let t = 0; t < seqLength; t++) {
      const i = row + t;
      if (t >= len) {
        inputIds[i] = PAD;
        specialTokensMask[i] = 1;
        continue;
      }
      attentionMask[i] = 1;
      if (t === 0 || t === len - 1) {
        inputIds[i] = t === 0 ? CLS : SEP;
        specialTokensMask[i] = 1;
        continue;
      }
      inputIds[i] = 1000 + r.nextInt(VOCAB - 1000);
      if (left === 0) {
        word++;
        left = 1 + r.nextInt(3);
      }
      wordIds[i] = word;
      left--;
    }
  }
  return { inputIds, attentionMask, specialTokensMask, wordIds, seqLength, batchSize };
}

export interface Rates {
  candidates: number;
  chosen: number;
  chosenRate: number;
  maskShare: number;
  randomShare: number;
  keepShare: number;
  specialOrPadChosen: number;
}

export function measure(
  batch: TokenBatch,
  masked: { inputIds: Int32Array; labels: Int32Array; maskedPositions: Int32Array },
): Rates {
  let candidates = 0;
  let chosen = 0;
  let mask = 0;
  let random = 0;
  let keep = 0;
  let bad = 0;
  for (let i = 0; i < batch.inputIds.length; i++) {
    const isCand = batch.attentionMask![i] === 1 && batch.specialTokensMask![i] === 0;
    if (isCand) candidates++;
    if (masked.labels[i] === -100) continue;
    chosen++;
    if (!isCand) bad++;
    if (masked.inputIds[i] === MASK) mask++;
    else if (masked.inputIds[i] === batch.inputIds[i]) keep++;
    else random++;
  }
  return {
    candidates,
    chosen,
    chosenRate: chosen / candidates,
    maskShare: mask / chosen,
    randomShare: random / chosen,
    keepShare: keep / chosen,
    specialOrPadChosen: bad,
  };
}
