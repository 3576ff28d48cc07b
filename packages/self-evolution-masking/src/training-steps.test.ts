import { AdamW as AdamWOptimizer, valueAndGrads } from '@selfevo/encoder-model';
import { labelSmoothedCrossEntropy, rectifiedSmoothLabelLoss } from '@selfevo/smooth-label-loss';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  evaluateMlmLoss,
  type MaskedBatch,
  type MaskedLmInputs,
  type MaskedLmModel,
  MaskingConfigError,
  mlmLoss,
  mlmTrainingStep,
  randomMask,
  seLoss,
  seMask,
  seTrainingStep,
} from './index.js';
import { RecordingModel, T_MASK, T_SPECIAL, tinyBatch, tinyModel } from './test-fixtures/tiny-model.js';

const maskOpts = { maskTokenId: T_MASK, vocabSize: 64, specialTokenIds: T_SPECIAL };
const T = 12;

function masked(seed: number): MaskedBatch {
  return randomMask(tinyBatch(4, T, seed), { ...maskOpts, seed, mlmProbability: 0.3 });
}

/** Masked-position logits of the model (train or eval mode) for one stream of the batch. */
function logitsOf(model: ReturnType<typeof tinyModel>, b: MaskedBatch, ids: Int32Array, training: boolean) {
  const shape = [b.batchSize, b.seqLength];
  return tf.tidy(
    () =>
      model.forward(
        { inputIds: { data: ids, shape }, attentionMask: { data: b.attentionMask!, shape }, training },
        b.maskedPositions,
      ).logits,
  );
}

/** An optimizer double that keeps copies of the gradients it is given. */
class CapturingOptimizer {
  grads: Record<string, Float32Array> = {};
  lr: number | undefined;
  step(grads: Record<string, tf.Tensor>, lr?: number): void {
    this.lr = lr;
    for (const [k, g] of Object.entries(grads))
      this.grads[k] = Float32Array.from(g.dataSync() as Float32Array);
  }
}

function gold(b: MaskedBatch): Int32Array {
  return Int32Array.from(b.maskedPositions, (i) => b.labels[i]);
}

describeEachBackend('seTrainingStep / mlmTrainingStep', (backend) => {
  it('SE step: reference from the original input in eval mode, masked pass in train mode, rectified loss value', () => {
    const inner = tinyModel(1, 0.1);
    const model = new RecordingModel(inner);
    const b = masked(1);
    const opt = new CapturingOptimizer();
    const res = seTrainingStep(model, opt, b, { lr: 1e-3 });
    expect(res.numMasked).toBe(b.maskedPositions.length);
    expect(res.skipped).toBe(false);
    expect(model.calls.map((c) => c.training)).toEqual([false, true]);
    expect(model.calls[0].ids).toEqual(b.originalInputIds);
    expect(model.calls[1].ids).toEqual(b.inputIds);
    expect(opt.lr).toBe(1e-3);
    inner.dispose();

    // The loss value is the rectified formula (dropout off so the masked pass is reproducible).
    const m0 = tinyModel(2, 0);
    const ref = logitsOf(m0, b, b.originalInputIds, false);
    const expected = tf.tidy(
      () =>
        rectifiedSmoothLabelLoss(logitsOf(m0, b, b.inputIds, true), gold(b), {
          alpha: 0.2,
          reference: { logits: ref },
        }).dataSync()[0],
    );
    const r0 = seTrainingStep(m0, new CapturingOptimizer(), b, { alpha: 0.2 });
    expect(r0.loss).toBeCloseTo(expected, 5);
    ref.dispose();
    m0.dispose();
  });

  it('SE gradient treats the reference as a constant (stop-gradient) and matches finite differences', () => {
    if (backend !== 'cpu') return; // finite differences on the float32 reference backend only
    const model = tinyModel(3, 0);
    const b = masked(2);
    const opt = new CapturingOptimizer();
    seTrainingStep(model, opt, b, { alpha: 0.5 });
    const ref = logitsOf(model, b, b.originalInputIds, false); // fixed while perturbing
    const loss = () =>
      tf.tidy(
        () =>
          rectifiedSmoothLabelLoss(logitsOf(model, b, b.inputIds, true), gold(b), {
            alpha: 0.5,
            reference: { logits: ref },
          }).dataSync()[0],
      );
    const params = model.namedParameters();
    let maxErr = 0;
    for (const name of [
      'bert.embeddings.word_embeddings.weight',
      'bert.encoder.layer.0.output.dense.weight',
      'cls.predictions.bias',
    ]) {
      const v = params.get(name)!;
      const base = Float32Array.from(v.dataSync() as Float32Array);
      const g = opt.grads[name];
      // The five largest-gradient entries of each tensor.
      const idx = Array.from(g.keys())
        .sort((x, y) => Math.abs(g[y]) - Math.abs(g[x]))
        .slice(0, 5);
      for (const i of idx) {
        const at = (d: number) => {
          const p = Float32Array.from(base);
          p[i] += d;
          v.assign(tf.tensor(p, v.shape));
          return loss();
        };
        const eps = 1e-2;
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        v.assign(tf.tensor(base, v.shape));
        maxErr = Math.max(maxErr, Math.abs(fd - g[i]));
      }
    }
    console.log(`SE step gradient vs finite differences: max |error| ${maxErr.toExponential(2)}`);
    expect(maxErr).toBeLessThan(2e-3);
    // Had the reference been differentiated, the gradient would differ from this constant-target one.
    const throughRef = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () =>
          rectifiedSmoothLabelLoss(logitsOf(model, b, b.inputIds, true), gold(b), {
            alpha: 0.5,
            reference: { logits: logitsOf(model, b, b.originalInputIds, false) },
          }) as tf.Scalar,
        [params.get('cls.predictions.bias')!],
      );
      return Object.values(grads)[0].dataSync() as Float32Array;
    });
    const diff = Math.max(
      ...Array.from(throughRef, (x, i) => Math.abs(x - opt.grads['cls.predictions.bias'][i])),
    );
    expect(diff).toBeGreaterThan(1e-4);
    ref.dispose();
    model.dispose();
  });

  it('uniform reference = label smoothing; frozen snapshot is used and left unchanged', () => {
    const model = tinyModel(4, 0);
    const b = masked(3);
    const expected = tf.tidy(
      () =>
        labelSmoothedCrossEntropy(logitsOf(model, b, b.inputIds, true), gold(b), {
          epsilon: 0.1,
        }).dataSync()[0],
    );
    const calls = new RecordingModel(model);
    const r = seTrainingStep(calls, new CapturingOptimizer(), b, { reference: 'uniform' });
    expect(r.loss).toBeCloseTo(expected, 5);
    expect(calls.calls.map((c) => c.training)).toEqual([true]);

    const frozen = new RecordingModel(tinyModel(5, 0));
    const before = frozen.inner.namedParameters().get('cls.predictions.bias')!.dataSync().slice();
    const opt = new AdamWOptimizer(model.namedParameters(), { lr: 1e-2 });
    seTrainingStep(model, opt, b, { reference: { model: frozen } });
    expect(frozen.calls.map((c) => c.training)).toEqual([false]);
    expect(frozen.calls[0].ids).toEqual(b.originalInputIds);
    expectAllClose(frozen.inner.namedParameters().get('cls.predictions.bias')!, before, 0);
    opt.dispose();
    frozen.inner.dispose();
    model.dispose();
  });

  it('both steps learn on a fixed batch, clip gradients, skip empty batches, and keep tf.memory flat', () => {
    for (const kind of ['se', 'mlm'] as const) {
      const model = tinyModel(6, 0.1);
      const opt = new AdamWOptimizer(model.namedParameters(), { lr: 1e-2 });
      const batch = tinyBatch(4, T, 9);
      const sel = Array.from({ length: 4 }, (_, r) => [1 + (r % 3), 4, 6]);
      const b = seMask(batch, sel, { ...maskOpts, seed: 1 });
      const step = () =>
        kind === 'se'
          ? seTrainingStep(model, opt, b, { maxGradNorm: 1 })
          : mlmTrainingStep(model, opt, b, { maxGradNorm: 1 });
      const first = evaluateMlmLoss(model, b).loss;
      const r1 = step();
      expect(r1.gradNorm).toBeGreaterThan(0);
      const n0 = tf.memory().numTensors;
      for (let i = 0; i < 25; i++) step();
      expect(tf.memory().numTensors).toBe(n0);
      const last = evaluateMlmLoss(model, b).loss;
      expect(last).toBeLessThan(first - 0.5);
      const empty = {
        ...b,
        labels: new Int32Array(b.labels.length).fill(-100),
        maskedPositions: new Int32Array(0),
      };
      const pBefore = model.namedParameters().get('cls.predictions.bias')!.dataSync().slice();
      expect(seTrainingStep(model, opt, empty)).toEqual({ loss: 0, numMasked: 0, skipped: true });
      expect(mlmTrainingStep(model, opt, empty).skipped).toBe(true);
      expectAllClose(model.namedParameters().get('cls.predictions.bias')!, pBefore, 0);
      expect(tf.memory().numTensors).toBe(n0);
      opt.dispose();
      model.dispose();
    }
  });

  it('rejects bad options', () => {
    const model = tinyModel(7, 0);
    const b = masked(4);
    const opt = new CapturingOptimizer();
    expect(() => seTrainingStep(model, opt, b, { alpha: 2 })).toThrow(MaskingConfigError);
    expect(() => seTrainingStep(model, opt, b, { reference: 'frozen' as never })).toThrow(/reference/);
    expect(() => mlmTrainingStep(model, opt, b, { labelSmoothing: -1 })).toThrow(/labelSmoothing/);
    expect(() => mlmTrainingStep(model, opt, b, { maxGradNorm: 0 })).toThrow(/maxGradNorm/);
    expect(() => mlmTrainingStep(model, opt, { ...b, labels: new Int32Array(3) })).toThrow(/labels/);
    model.dispose();
  });
});

/**
 * A hand-checkable MLM double: the logits at flat position b·T + t are `table[id] + position[t]`
 * (V = 5), so every logit is a known float and the loss can be recomputed in float64 by hand.
 */
class TableModel implements MaskedLmModel {
  static readonly V = 5;
  readonly table = tf.variable(
    tf.tensor2d([
      [0.2, -0.5, 1.0, 0.3, -1.2],
      [1.5, 0.1, -0.3, 0.0, 0.4],
      [-0.7, 0.9, 0.2, -0.1, 0.6],
      [0.0, 0.0, 0.5, -0.5, 0.25], // id 3 = [MASK]
      [0.8, -0.2, -0.9, 1.1, 0.05],
    ]),
  );
  readonly position = tf.variable(
    tf.tensor2d([
      [0.1, 0.0, -0.1, 0.2, 0.0],
      [-0.3, 0.2, 0.0, 0.1, 0.1],
      [0.0, -0.2, 0.3, 0.0, -0.1],
    ]),
  );
  forward(inputs: MaskedLmInputs, maskedPositions: Int32Array) {
    const T = inputs.inputIds.shape[1];
    const ids = Int32Array.from(maskedPositions, (i) => inputs.inputIds.data[i]);
    const ts = Int32Array.from(maskedPositions, (i) => i % T);
    const logits = tf.add(tf.gather(this.table, ids), tf.gather(this.position, ts)) as tf.Tensor2D;
    return { lastHiddenState: tf.zeros([1]), logits };
  }
  mlmLogits(): tf.Tensor2D {
    throw new Error('unused');
  }
  namedParameters(): Map<string, tf.Variable> {
    return new Map([
      ['table', this.table],
      ['position', this.position],
    ]);
  }
  /** The float64 logits row of (id, t), from the float32 weights. */
  row(id: number, t: number): number[] {
    const tab = this.table.dataSync();
    const pos = this.position.dataSync();
    return Array.from(
      { length: TableModel.V },
      (_, v) => tab[id * TableModel.V + v] + pos[t * TableModel.V + v],
    );
  }
  dispose(): void {
    tf.dispose([this.table, this.position]);
  }
}

/** Two rows of T = 3; masked at (0,1) [MASK], (1,0) kept, (1,2) [MASK]. */
function tableBatch(): MaskedBatch {
  const originalInputIds = Int32Array.from([1, 2, 4, 0, 2, 1]);
  const inputIds = Int32Array.from([1, 3, 4, 0, 2, 3]);
  const maskedPositions = Int32Array.from([1, 3, 5]);
  const labels = new Int32Array(6).fill(-100);
  for (const i of maskedPositions) labels[i] = originalInputIds[i];
  return { inputIds, labels, maskedPositions, originalInputIds, batchSize: 2, seqLength: 3 };
}

function logSoftmax64(z: number[]): number[] {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
  return z.map((x) => x - lse);
}

describeEachBackend('seLoss / mlmLoss (the losses train() runs)', () => {
  it('seLoss equals the rectified smooth-label formula computed by hand in float64', () => {
    const model = new TableModel();
    const b = tableBatch();
    const alpha = 0.3;
    let hand = 0;
    let handCe = 0;
    for (const i of b.maskedPositions) {
      const t = i % b.seqLength;
      const logp = logSoftmax64(model.row(b.inputIds[i], t)); // masked stream
      const r = logSoftmax64(model.row(b.originalInputIds[i], t)).map(Math.exp); // reference stream
      const y = b.labels[i];
      const refTerm = -r.reduce((s, rv, v) => s + rv * logp[v], 0);
      hand += (1 - alpha) * -logp[y] + alpha * refTerm;
      handCe += -logp[y];
    }
    hand /= b.maskedPositions.length;
    handCe /= b.maskedPositions.length;
    const value = (l: tf.Scalar) => {
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const before = tf.memory().numTensors;
    expect(value(seLoss(model, b, { alpha }))).toBeCloseTo(hand, 5);
    expect(value(mlmLoss(model, b))).toBeCloseTo(handCe, 5);
    expect(value(seLoss(model, b, { alpha: 0 }))).toBeCloseTo(handCe, 5);
    expect(tf.memory().numTensors).toBe(before);
    // pinned: a change of the formula, the masking streams or the reference changes this number
    expect(hand).toBeCloseTo(1.578033, 5);
    model.dispose();
  });

  it('as a loss under valueAndGrads: the reference is a constant, and the SE step is a thin wrapper', () => {
    const model = new TableModel();
    const b = tableBatch();
    const { loss, grads } = valueAndGrads(model.namedParameters(), () => seLoss(model, b, { alpha: 0.5 }));
    // the masked pass reads table rows 3 ([MASK]) and 0 (the token kept at (1,0)); rows 2 and 1
    // are read only by the reference (original input): no gradient flows through r into them
    const g = grads.table.dataSync();
    for (const id of [1, 2, 4])
      expect(Array.from(g.slice(id * 5, id * 5 + 5)).every((x) => x === 0)).toBe(true);
    const opt = new CapturingOptimizer();
    const step = seTrainingStep(model, opt, b, { alpha: 0.5 });
    expect(step.loss).toBeCloseTo(loss, 6);
    expectAllClose(opt.grads.table, g, 1e-7);
    tf.dispose(Object.values(grads));
    expect(() => seLoss(model, { ...b, maskedPositions: new Int32Array(0) })).toThrow(MaskingConfigError);
    expect(() => mlmLoss(model, { ...b, maskedPositions: new Int32Array(0) })).toThrow(/no masked token/);
    model.dispose();
  });
});
