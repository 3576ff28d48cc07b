import { BertForMaskedLM, makeConfig } from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmInputs, MaskedLmModel } from '../masked-lm-model.js';

/** A tiny real BERT MLM (vocab 64, H 16, 1 layer): ids 0..4 special as in `tinyBatch`. */
export function tinyModel(seed = 1, dropout = 0): BertForMaskedLM {
  const cfg = makeConfig({
    vocabSize: 64,
    hiddenSize: 16,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 32,
    hiddenDropoutProb: dropout,
    attentionProbsDropoutProb: dropout,
  });
  return new BertForMaskedLM(cfg, { seed });
}

export const T_PAD = 0;
export const T_CLS = 1;
export const T_SEP = 2;
export const T_MASK = 3;
export const T_SPECIAL = [0, 1, 2, 3, 4];

/** Records every forward call (ids and training flag) and delegates to a real model. */
export class RecordingModel implements MaskedLmModel {
  calls: { ids: Int32Array; training: boolean | undefined }[] = [];
  constructor(readonly inner: BertForMaskedLM) {}
  forward(inputs: MaskedLmInputs, maskedPositions: Int32Array) {
    this.calls.push({ ids: Int32Array.from(inputs.inputIds.data), training: inputs.training });
    return this.inner.forward(inputs, maskedPositions);
  }
  mlmLogits(hidden: tf.Tensor, maskedPositions: Int32Array): tf.Tensor2D {
    return this.inner.mlmLogits(hidden, maskedPositions);
  }
  namedParameters(): Map<string, tf.Variable> {
    return this.inner.namedParameters();
  }
}

/** `[CLS] x… [SEP] [PAD]…` rows over vocab 64 (ids 5..63 for words), with random lengths. */
export function tinyBatch(batchSize: number, seqLength: number, seed: number) {
  let s = seed >>> 0 || 1;
  const rnd = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 4294967296) * n);
  };
  const n = batchSize * seqLength;
  const inputIds = new Int32Array(n);
  const attentionMask = new Int32Array(n);
  const specialTokensMask = new Int32Array(n);
  for (let b = 0; b < batchSize; b++) {
    const len = Math.max(4, seqLength - rnd(4));
    for (let t = 0; t < seqLength; t++) {
      const i = b * seqLength + t;
      if (t >= len) {
        specialTokensMask[i] = 1;
        continue;
      }
      attentionMask[i] = 1;
      if (t === 0 || t === len - 1) {
        inputIds[i] = t === 0 ? T_CLS : T_SEP;
        specialTokensMask[i] = 1;
      } else inputIds[i] = 5 + ((b * 7 + t * 3 + rnd(3)) % 59);
    }
  }
  return { inputIds, attentionMask, specialTokensMask, seqLength, batchSize };
}
