/** A tiny BERT sequence classifier (the real encoder package) and a learnable toy task. */
import { BertForSequenceClassification, makeConfig, SeededRandom } from '@selfevo/encoder-model';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { arrayBatchSource } from '../batch-source.js';
import type { LossContext } from '../types.js';

export const bertConfig = makeConfig({
  vocabSize: 30,
  hiddenSize: 16,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
});

export interface SeqExample {
  ids: number[];
  label: number;
}

export interface SeqBatch {
  inputIds: number[][];
  labels: number[];
}

/** Label 1 iff token 7 occurs in the sequence ([CLS]=2 ... [SEP]=3, length 8). */
export function seqExamples(n: number, seed: number): SeqExample[] {
  const r = new SeededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const body = Array.from({ length: 6 }, () => 4 + r.nextInt(20)).map((t) => (t === 7 ? 8 : t));
    const label = i % 2;
    if (label) body[r.nextInt(6)] = 7;
    return { ids: [2, ...body, 3], label };
  });
}

export const seqCollate = (es: SeqExample[]): SeqBatch => ({
  inputIds: es.map((e) => e.ids),
  labels: es.map((e) => e.label),
});

export const seqSource = (n: number, batchSize: number) =>
  arrayBatchSource(seqExamples(n, 5), { batchSize, collate: seqCollate });

export function makeBert(seed = 0): BertForSequenceClassification {
  return new BertForSequenceClassification(bertConfig, { seed, numLabels: 2 });
}

export function clsLoss(
  model: BertForSequenceClassification,
  batch: SeqBatch,
  training: boolean,
  _ctx: LossContext,
): tf.Scalar {
  // dropout draws from model.rng, which the trainer re-seeds per micro-batch (its default `rng`)
  return crossEntropyAtPositions(model.forward({ inputIds: batch.inputIds, training }).logits, batch.labels);
}

export function accuracy(model: BertForSequenceClassification, examples: SeqExample[]): number {
  return tf.tidy(() => {
    const logits = model.forward({ inputIds: examples.map((e) => e.ids), training: false }).logits;
    const pred = tf.argMax(logits, 1).dataSync();
    return examples.filter((e, i) => pred[i] === e.label).length / examples.length;
  });
}
