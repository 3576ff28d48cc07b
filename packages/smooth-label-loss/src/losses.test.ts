import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  crossEntropyAtPositions,
  klDistillation,
  LabelRangeError,
  LossConfigError,
  labelSmoothedCrossEntropy,
  logitMseDistillation,
  rectifiedSmoothLabelLoss,
  ShapeMismatchError,
  softTargetCrossEntropy,
} from './index.js';
import { hfLabelSmoother64, logSoftmax64, pseudoRandom, rowsOf } from './test-fixtures/reference.js';

const L = Math.log;

describeEachBackend('losses on hand-computed cases', () => {
  // Row 0: p = [1/6, 2/6, 3/6]; row 1: p = [1/4, 1/4, 1/2].
  const logits = () =>
    tf.tensor2d([
      [L(1), L(2), L(3)],
      [L(1), L(1), L(2)],
    ]);

  it('cross-entropy is −log p(gold), averaged over counted rows', () => {
    const ce = crossEntropyAtPositions(logits(), [2, 0]);
    expectAllClose(ce, (L(2) + L(4)) / 2, 1e-6);
    expectAllClose(crossEntropyAtPositions(logits(), [2, -100]), L(2), 1e-6);
    expectAllClose(crossEntropyAtPositions(logits(), [2, 0], { reduction: 'sum' }), L(2) + L(4), 1e-6);
    expectAllClose(crossEntropyAtPositions(logits(), [2, 0], { reduction: 'none' }), [L(2), L(4)], 1e-6);
    expectAllClose(crossEntropyAtPositions(logits(), [2, 0], { positions: [1] }), L(4), 1e-6);
  });

  it('label smoothing is (1−ε)·NLL + ε·mean_v(−log p_v)', () => {
    const eps = 0.1;
    const row0 = (1 - eps) * L(2) + (eps * (L(6) + L(3) + L(2))) / 3;
    const row1 = (1 - eps) * L(4) + (eps * (L(4) + L(4) + L(2))) / 3;
    expectAllClose(labelSmoothedCrossEntropy(logits(), [2, 0], { epsilon: eps }), (row0 + row1) / 2, 1e-6);
    expectAllClose(labelSmoothedCrossEntropy(logits(), [2, -100], { epsilon: eps }), row0, 1e-6);
  });

  it('rectified smooth labels are (1−α)·NLL + α·Σ_v r_v(−log p_v)', () => {
    const alpha = 0.1;
    const r = tf.tensor2d([
      [0.5, 0.25, 0.25],
      [0, 1, 0],
    ]);
    const row0 = (1 - alpha) * L(2) + alpha * (0.5 * L(6) + 0.25 * L(3) + 0.25 * L(2));
    const row1 = (1 - alpha) * L(4) + alpha * L(4);
    expectAllClose(
      rectifiedSmoothLabelLoss(logits(), [2, 0], { alpha, reference: { probs: r } }),
      (row0 + row1) / 2,
      1e-6,
    );
    // Reference given as logits: softmax([ln 2, 0, 0]) = [0.5, 0.25, 0.25].
    const refLogits = tf.tensor2d([
      [L(2), 0, 0],
      [0, 0, 0],
    ]);
    const row1u = (1 - alpha) * L(4) + (alpha * (L(4) + L(4) + L(2))) / 3;
    expectAllClose(
      rectifiedSmoothLabelLoss(logits(), [2, 0], { alpha, reference: { logits: refLogits } }),
      (row0 + row1u) / 2,
      1e-6,
    );
  });

  it('rectified smooth labels keep −Σ_v r_v log p_v for reference probabilities that do not sum to 1', () => {
    const alpha = 0.3;
    const r = tf.tensor2d([
      [0.5, 0.5, 0.5], // sums to 1.5
      [0.1, 0, 0.2], // sums to 0.3
    ]);
    const row0 = (1 - alpha) * L(2) + alpha * (0.5 * L(6) + 0.5 * L(3) + 0.5 * L(2));
    const row1 = (1 - alpha) * L(4) + alpha * (0.1 * L(4) + 0.2 * L(2));
    expectAllClose(
      rectifiedSmoothLabelLoss(logits(), [2, 0], { alpha, reference: { probs: r }, reduction: 'none' }),
      [row0, row1],
      1e-6,
    );
  });

  it('soft-target cross-entropy is −Σ q log p', () => {
    const q = tf.tensor2d([
      [0.2, 0.3, 0.5],
      [1, 0, 0],
    ]);
    const row0 = 0.2 * L(6) + 0.3 * L(3) + 0.5 * L(2);
    expectAllClose(softTargetCrossEntropy(logits(), q), (row0 + L(4)) / 2, 1e-6);
    expectAllClose(softTargetCrossEntropy(logits(), q, { positions: [0] }), row0, 1e-6);
  });

  it('logit MSE is PANDA’s mean over B×C divided by B', () => {
    const s = tf.tensor2d([
      [1, 2],
      [3, 4],
      [0, 0],
    ]);
    const t = tf.tensor2d([
      [0, 2],
      [3, 2],
      [1, 1],
    ]);
    // squared errors: 1,0,0,4,1,1 → mean 7/6, / B=3 → 7/18
    expectAllClose(logitMseDistillation(s, t), 7 / 18, 1e-6);
    expectAllClose(logitMseDistillation(s, t, { divideByBatchSize: false }), 7 / 6, 1e-6);
  });

  it('KL distillation with temperature is T²·batchmean KL(teacher ‖ student)', () => {
    const s = tf.tensor2d([
      [L(1), L(3)],
      [0, 0],
    ]); // p = [1/4, 3/4], [1/2, 1/2] at T=1
    const t = tf.tensor2d([
      [0, 0],
      [L(1), L(3)],
    ]);
    const kl = (q: number[], p: number[]) => q.reduce((a, qi, i) => a + qi * (L(qi) - L(p[i])), 0);
    const expected1 = (kl([0.5, 0.5], [0.25, 0.75]) + kl([0.25, 0.75], [0.5, 0.5])) / 2;
    expectAllClose(klDistillation(s, t), expected1, 1e-6);
    // T = 2 halves the logits: softmax([0, ln3/2]) = [1/(1+√3), √3/(1+√3)].
    const a = 1 / (1 + Math.sqrt(3));
    const expected2 = (4 * (kl([0.5, 0.5], [a, 1 - a]) + kl([a, 1 - a], [0.5, 0.5]))) / 2;
    expectAllClose(klDistillation(s, t, { temperature: 2 }), expected2, 1e-6);
    expectAllClose(
      klDistillation(s, t, { temperature: 2, scaleByTemperatureSquared: false }),
      expected2 / 4,
      1e-6,
    );
    expectAllClose(klDistillation(t, t), 0, 1e-7);
  });
});

describeEachBackend('label smoothing equals HF LabelSmoother', () => {
  it('on random logits with ignored rows', () => {
    const n = 13;
    const v = 11;
    const data = pseudoRandom(n * v, 7, 4);
    const labels = Array.from({ length: n }, (_, i) => (i % 4 === 1 ? -100 : (i * 5) % v));
    for (const eps of [0, 0.1, 0.3]) {
      const expected = hfLabelSmoother64(rowsOf(data, v), labels, eps);
      expectAllClose(
        labelSmoothedCrossEntropy(tf.tensor2d(data, [n, v]), labels, { epsilon: eps }),
        expected,
        2e-5,
      );
      // The uniform reference of the rectified loss is the same thing.
      expectAllClose(
        rectifiedSmoothLabelLoss(tf.tensor2d(data, [n, v]), labels, { alpha: eps, reference: 'uniform' }),
        expected,
        2e-5,
      );
    }
  });

  it('rectified loss reduces to plain CE when α = 0 or r = onehot(gold)', () => {
    const n = 6;
    const v = 9;
    const x = tf.tensor2d(pseudoRandom(n * v, 3, 3), [n, v]);
    const labels = [1, 4, 8, 0, -100, 2];
    const ce = crossEntropyAtPositions(x, labels).dataSync()[0];
    const ref = tf.tensor2d(pseudoRandom(n * v, 9, 2), [n, v]);
    expectAllClose(rectifiedSmoothLabelLoss(x, labels, { alpha: 0, reference: { logits: ref } }), ce, 1e-6);
    const onehot = tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          labels.map((y) => Math.max(y, 0)),
          'int32',
        ),
        v,
      ),
    );
    expectAllClose(
      rectifiedSmoothLabelLoss(x, labels, { alpha: 0.7, reference: { probs: tf.cast(onehot, 'float32') } }),
      ce,
      1e-5,
    );
  });

  it('matches a float64 reference at masked positions of [B, T, V] logits', () => {
    const b = 2;
    const t = 5;
    const v = 7;
    const data = pseudoRandom(b * t * v, 11, 5);
    const ref = pseudoRandom(b * t * v, 12, 5);
    const labels = new Int32Array(b * t).fill(-100);
    labels[1] = 3;
    labels[4] = 0;
    labels[7] = 6;
    const positions = Int32Array.of(1, 7, 4, 9); // 9 is ignored
    const alpha = 0.25;
    let expected = 0;
    const lr = rowsOf(data, v);
    const rr = rowsOf(ref, v);
    for (const p of [1, 7, 4]) {
      const lp = logSoftmax64(lr[p]);
      const r = logSoftmax64(rr[p]).map(Math.exp);
      expected += (1 - alpha) * -lp[labels[p]] + alpha * -r.reduce((a, ri, j) => a + ri * lp[j], 0);
    }
    expected /= 3;
    const got = rectifiedSmoothLabelLoss(tf.tensor3d(data, [b, t, v]), labels, {
      alpha,
      reference: { logits: tf.tensor3d(ref, [b, t, v]) },
      positions,
    });
    expectAllClose(got, expected, 2e-5);
  });
});

describeEachBackend('stability', () => {
  it('extreme logits (±1e4) give exact finite losses and finite gradients', () => {
    const x = tf.tensor2d([
      [1e4, -1e4, 0],
      [-1e4, -1e4, 1e4],
    ]);
    expectAllClose(crossEntropyAtPositions(x, [0, 2]), 0, 1e-6);
    expectAllClose(crossEntropyAtPositions(x, [1, 0]), 2e4, 1);
    const ls = labelSmoothedCrossEntropy(x, [0, 2], { epsilon: 0.1 }).dataSync()[0];
    // mean_v(−log p) = (0 + 2e4 + 1e4)/3 for row 0 and (2e4 + 2e4 + 0)/3 for row 1
    expect(ls).toBeCloseTo(0.1 * ((3e4 / 3 + 4e4 / 3) / 2), 0);
    const r = tf.tensor2d([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const grads = [
      tf.grad((l: tf.Tensor) => crossEntropyAtPositions(l, [1, 0]))(x),
      tf.grad((l: tf.Tensor) => labelSmoothedCrossEntropy(l, [1, 0]))(x),
      tf.grad((l: tf.Tensor) => rectifiedSmoothLabelLoss(l, [1, 0], { reference: { probs: r } }))(x),
      tf.grad((l: tf.Tensor) => rectifiedSmoothLabelLoss(l, [1, 0], { reference: { logits: tf.neg(x) } }))(x),
      tf.grad((l: tf.Tensor) => softTargetCrossEntropy(l, r))(x),
      tf.grad((l: tf.Tensor) => klDistillation(l, tf.neg(x), { temperature: 2 }))(x),
      tf.grad((l: tf.Tensor) => logitMseDistillation(l, tf.neg(x)))(x),
    ];
    for (const g of grads) for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
    expect(Number.isFinite(klDistillation(x, tf.neg(x)).dataSync()[0])).toBe(true);
  });

  it('a batch where every position is ignored gives loss 0 and a zero gradient', () => {
    const x = tf.tensor2d(pseudoRandom(12, 5, 1e4), [4, 3]);
    const ignored = [-100, -100, -100, -100];
    const fns: ((l: tf.Tensor) => tf.Tensor)[] = [
      (l) => crossEntropyAtPositions(l, ignored),
      (l) => crossEntropyAtPositions(l, [0, 1, 2, 0], { positions: [] }),
      (l) => labelSmoothedCrossEntropy(l, ignored),
      (l) => rectifiedSmoothLabelLoss(l, ignored, { reference: { logits: x } }),
      (l) => softTargetCrossEntropy(l, tf.onesLike(x), { positions: [] }),
    ];
    for (const f of fns) {
      expectAllClose(f(x), 0, 0);
      const g = tf.grad(f)(x);
      expectAllClose(g, new Float32Array(12), 0);
    }
    expectAllClose(crossEntropyAtPositions(x, ignored, { reduction: 'none' }).shape, [0], 0);
  });
});

describeEachBackend('argument errors', () => {
  it('name the offending parameter', () => {
    const x = tf.zeros([2, 3]);
    expect(() => crossEntropyAtPositions(x, [0])).toThrow(ShapeMismatchError);
    expect(() => crossEntropyAtPositions(x, [0])).toThrow(/labels/);
    expect(() => crossEntropyAtPositions(x, [0, 3])).toThrow(LabelRangeError);
    expect(() => crossEntropyAtPositions(x, [0, -1])).toThrow(/labels/);
    expect(() => crossEntropyAtPositions(x, [0, 1], { positions: [2] })).toThrow(/positions/);
    expect(() => crossEntropyAtPositions(tf.zeros([3]), [0, 1, 2])).toThrow(/logits/);
    expect(() => rectifiedSmoothLabelLoss(x, [0, 1], { alpha: 1.5, reference: 'uniform' })).toThrow(
      LossConfigError,
    );
    expect(() => rectifiedSmoothLabelLoss(x, [0, 1], { reference: { probs: tf.zeros([2, 4]) } })).toThrow(
      /reference\.probs/,
    );
    expect(() => labelSmoothedCrossEntropy(x, [0, 1], { epsilon: -0.1 })).toThrow(/epsilon/);
    expect(() => klDistillation(x, x, { temperature: 0 })).toThrow(/temperature/);
    expect(() => logitMseDistillation(x, tf.zeros([3, 2]))).toThrow(/teacherLogits/);
    expect(() => crossEntropyAtPositions(x, [0, 1], { reduction: 'avg' as never })).toThrow(/reduction/);
    expect(() => crossEntropyAtPositions(x, [0, 1.5])).toThrow(LabelRangeError);
    expect(() => crossEntropyAtPositions(x, tf.tensor1d([0, 1.5]))).toThrow(/labels/);
    expectAllClose(crossEntropyAtPositions(x, tf.tensor1d([0, 2], 'int32')), Math.log(3), 1e-6);
  });
});

describeEachBackend('tensor hygiene', () => {
  it('numTensors stays flat over many loss + gradient evaluations', () => {
    const x = tf.tensor2d(pseudoRandom(5 * 8, 1, 2), [5, 8]);
    const ref = tf.tensor2d(pseudoRandom(5 * 8, 2, 2), [5, 8]);
    const labels = Int32Array.of(1, -100, 7, 0, 3);
    const refProbs = tf.softmax(ref);
    const step = () => {
      const g = tf.grad((l: tf.Tensor) =>
        tf.add(
          rectifiedSmoothLabelLoss(l, labels, { reference: { logits: ref } }),
          tf.add(labelSmoothedCrossEntropy(l, labels), klDistillation(l, ref, { temperature: 3 })),
        ),
      )(x);
      g.dispose();
      crossEntropyAtPositions(x, labels).dispose();
      softTargetCrossEntropy(x, refProbs).dispose();
      crossEntropyAtPositions(x, [-100, -100, -100, -100, -100]).dispose();
      logitMseDistillation(x, ref).dispose();
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });
});
