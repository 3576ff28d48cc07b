// A tiny frozen BERT and a tiny learnable classification problem for the tests.
import {
  type BertConfig,
  BertForSequenceClassification,
  makeConfig,
  SeededRandom,
} from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import type { PromptBatch } from '../prompt-tuning.js';

export const tinyConfig: BertConfig = makeConfig({
  vocabSize: 60,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 24,
  maxPositionEmbeddings: 40,
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
  // a random frozen encoder with HF's 0.02 init maps every input to nearly the same [CLS] state;
  // a wider init keeps the inputs apart, so a prompt has something to steer
  initializerRange: 0.3,
});

export function tinyClassifier(seed = 1, numLabels = 2): BertForSequenceClassification {
  return new BertForSequenceClassification(tinyConfig, { seed, numLabels });
}

/** B sequences of length T ([CLS]=1 … tokens 5..59), the last `pad` positions of odd rows padded. */
export function tinyBatch(seed: number, B = 8, T = 6, pad = 0, numLabels = 2): PromptBatch {
  const rng = new SeededRandom(seed);
  const ids = new Int32Array(B * T);
  const mask = new Int32Array(B * T).fill(1);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      ids[b * T + t] = t === 0 ? 1 : 5 + rng.nextInt(55);
      if (b % 2 === 1 && t >= T - pad) {
        ids[b * T + t] = 0;
        mask[b * T + t] = 0;
      }
    }
  const labels = Int32Array.from({ length: B }, () => rng.nextInt(numLabels));
  return {
    inputIds: { data: ids, shape: [B, T] },
    attentionMask: { data: mask, shape: [B, T] },
    labels,
  };
}

/** Copies of every variable's values, by name. */
export function snapshot(params: Map<string, tf.Variable>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [k, v] of params) out.set(k, Float32Array.from(v.dataSync()));
  return out;
}

/** Names whose values differ in any bit from the snapshot. */
export function changed(params: Map<string, tf.Variable>, before: Map<string, Float32Array>): string[] {
  const out: string[] = [];
  for (const [k, v] of params) {
    const now = new Uint32Array(Float32Array.from(v.dataSync()).buffer);
    const then = new Uint32Array(before.get(k)!.buffer);
    if (now.length !== then.length || now.some((x, i) => x !== then[i])) out.push(k);
  }
  return out;
}
