import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, makeConfig, SeededRandom } from '@selfevo/encoder-model';
import { mlmLoss, seLoss } from '@selfevo/self-evolution-masking';
import { computeGradients } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PretrainingBatch, pretrainingBatchSource } from './batches.js';
import { PretrainingConfigError } from './errors.js';
import type { PackedSequences } from './packing.js';
import { pretrainingLoss } from './runner.js';

// The runner's loss must BE the SE loss of @selfevo/self-evolution-masking (and the MLM loss for
// 'ce'): same value on the same batch, and the rectified loss must match the formula of §1.3 with a
// stop-gradient reference, value and gradients, computed independently here.

const V = 40;
const T = 16;
const ALPHA = 0.2;
const MASKED = { lastLayer: 'masked' } as const;
const ids = { maskTokenId: 4, vocabSize: V, specialTokenIds: [0, 1, 2, 3, 4] };
let model: BertForMaskedLM;
let batch: PretrainingBatch;

/** 8 packed rows `[CLS] … [SEP]`, two of them short (padded), seeded content tokens. */
function rows(): PackedSequences {
  const r = new SeededRandom(5);
  const count = 8;
  const lengths = Int32Array.from({ length: count }, (_, i) => (i % 4 === 3 ? 11 : T));
  const data = new Int32Array(count * T);
  for (let i = 0; i < count; i++) {
    data[i * T] = 2;
    for (let t = 1; t < lengths[i] - 1; t++) data[i * T + t] = 5 + r.nextInt(V - 5);
    data[i * T + lengths[i] - 1] = 3;
  }
  return { ids: data, seqLength: T, count, lengths };
}

function scalar(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/** Runs `f` with the model's dropout generator at a fixed state, so two computations see the same masks. */
function atState<R>(state: ReturnType<SeededRandom['getState']>, f: () => R): R {
  model.rng.setState(state);
  return f();
}

function inputs(ids32: Int32Array, training: boolean) {
  const shape = [batch.batchSize, batch.seqLength];
  return {
    inputIds: { data: ids32, shape },
    attentionMask: batch.attentionMask ? { data: batch.attentionMask, shape } : undefined,
    training,
  };
}

function gold(): number[] {
  return Array.from(batch.maskedPositions, (p) => batch.labels[p]);
}

beforeAll(async () => {
  await useBackend('cpu');
  model = new BertForMaskedLM(
    makeConfig({
      vocabSize: V,
      hiddenSize: 16,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 32,
      maxPositionEmbeddings: T,
    }),
    { seed: 1 },
  );
  const source = pretrainingBatchSource(rows(), { ...ids, batchSize: 4, masking: 'random', seed: 3 });
  [batch] = source.epochBatches(0, new SeededRandom(1));
  expect(batch.maskedPositions.length).toBeGreaterThan(3);
  expect(batch.attentionMask).toBeDefined();
});

describe('pretrainingLoss (the runner loss) is the SE / MLM loss of self-evolution-masking', () => {
  it("'rectified' equals seLoss and 'ce' equals mlmLoss on the same batch, in train (dropout) and eval mode", () => {
    for (const training of [true, false]) {
      const s0 = model.rng.getState();
      const runnerSe = atState(s0, () => scalar(pretrainingLoss(model, batch, training, 'rectified', ALPHA)));
      const se = atState(s0, () => scalar(seLoss(model, batch, { alpha: ALPHA }, training)));
      expect(runnerSe).toBe(se);
      const runnerCe = atState(s0, () => scalar(pretrainingLoss(model, batch, training, 'ce', ALPHA)));
      const ce = atState(s0, () => scalar(mlmLoss(model, batch, {}, training)));
      expect(runnerCe).toBe(ce);
      // α matters: the SE loss is not the plain CE
      expect(Math.abs(runnerSe - runnerCe)).toBeGreaterThan(1e-4);
    }
  });

  it("'rectified' is (1 − α)·CE + α·Σ_v r_v(−log p_v), r = softmax(model(original x)) in eval mode", () => {
    const s0 = model.rng.getState();
    const [N, , lp, ref] = atState(s0, () =>
      tf.tidy(() => {
        const r = model.forward(inputs(batch.originalInputIds, false), batch.maskedPositions).logits;
        // the losses run the last layer at the masked positions only, so its dropout masks have that shape
        const l = model.forward(inputs(batch.inputIds, true), batch.maskedPositions, MASKED).logits; // [N, V]
        return [
          l.shape[0],
          l.shape[1],
          tf.logSoftmax(l).arraySync() as number[][],
          tf.softmax(r).arraySync() as number[][],
        ] as const;
      }),
    );
    const g = gold();
    let sum = 0;
    for (let k = 0; k < N; k++) {
      const ce = -lp[k][g[k]];
      let cross = 0;
      for (let v = 0; v < V; v++) cross -= ref[k][v] * lp[k][v];
      sum += (1 - ALPHA) * ce + ALPHA * cross;
    }
    const runner = atState(s0, () => scalar(pretrainingLoss(model, batch, true, 'rectified', ALPHA)));
    expect(runner).toBeCloseTo(sum / N, 5);
  });

  it('its gradients are those of the formula with the reference held constant (stop-gradient)', () => {
    const s0 = model.rng.getState();
    const params = model.namedParameters();
    const runner = atState(s0, () =>
      computeGradients(
        model,
        (m, b: PretrainingBatch, training) => pretrainingLoss(m, b, training, 'rectified', ALPHA),
        batch,
      ),
    );
    // The formula, reference copied out of the graph: a constant.
    const refProbs = tf.tidy(() =>
      tf.softmax(model.forward(inputs(batch.originalInputIds, false), batch.maskedPositions).logits),
    );
    const constRef = tf.tensor2d(refProbs.dataSync() as Float32Array, refProbs.shape as [number, number]);
    refProbs.dispose();
    const oneHot = tf.oneHot(tf.tensor1d(gold(), 'int32'), V);
    const byVar = atState(s0, () =>
      tf.variableGrads(
        () =>
          tf.tidy(() => {
            const lp = tf.logSoftmax(
              model.forward(inputs(batch.inputIds, true), batch.maskedPositions, MASKED).logits,
            );
            const target = tf.add(tf.mul(1 - ALPHA, oneHot), tf.mul(ALPHA, constRef)); // [N, V]
            return tf.mean(tf.neg(tf.sum(tf.mul(target, lp), -1))) as tf.Scalar;
          }),
        [...params.values()],
      ),
    );
    expect(runner.loss).toBeCloseTo(byVar.value.dataSync()[0], 5);
    let compared = 0;
    for (const [name, v] of params) {
      const a = runner.grads[name];
      const b = byVar.grads[v.name];
      expect(a, name).toBeDefined();
      const scale = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      expect(diff, name).toBeLessThanOrEqual(1e-4 * scale + 1e-7);
      compared++;
    }
    expect(compared).toBe(params.size);
    tf.dispose([
      constRef,
      oneHot,
      byVar.value,
      ...Object.values(byVar.grads),
      ...Object.values(runner.grads),
    ]);
  });

  it('leaks no tensor and names a batch without masked tokens', () => {
    const before = tf.memory().numTensors;
    for (const kind of ['ce', 'rectified'] as const) scalar(pretrainingLoss(model, batch, true, kind, ALPHA));
    expect(tf.memory().numTensors).toBe(before);
    const empty = { ...batch, maskedPositions: new Int32Array(0) };
    expect(() => pretrainingLoss(model, empty, true, 'rectified', ALPHA)).toThrow(PretrainingConfigError);
  });
});
