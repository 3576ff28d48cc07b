import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { crossEntropyAtPositions } from './cross-entropy-at-positions.js';
import { softmaxNll } from './softmax-nll.js';

describeEachBackend('softmaxNll (cross-entropy that keeps its softmax for the gradient)', () => {
  // Moved with the cross-entropy from @selfevo/encoder-model (its `crossEntropy` test).
  it('mean cross-entropy equals −mean log softmax at the labels (value and gradient)', () => {
    tf.tidy(() => {
      const L = [
        [1.0, -2.0, 0.5],
        [0.3, 0.2, -1.0],
      ];
      const labels = [2, 0];
      const ref = -(
        L.map((row, i) => row[labels[i]] - Math.log(row.reduce((a, x) => a + Math.exp(x), 0))).reduce(
          (a, b) => a + b,
        ) / 2
      );
      const logits = tf.tensor2d(L);
      expect(crossEntropyAtPositions(logits, labels).dataSync()[0]).toBeCloseTo(ref, 5);
      const g = tf.grad((x) => crossEntropyAtPositions(x, labels))(logits);
      const soft = tf.softmax(logits).arraySync() as number[][];
      const expected = soft.map((row, i) => row.map((p, j) => (p - (j === labels[i] ? 1 : 0)) / 2));
      expectAllClose(g, expected, 1e-6);
      // Extreme logits neither overflow nor underflow: loss 0 for a certain right answer, 2000
      // for a certain wrong one, and finite gradients.
      const big = tf.tensor2d([
        [1000, -1000],
        [-1000, 1000],
      ]);
      expect(crossEntropyAtPositions(big, [0, 0]).dataSync()[0]).toBeCloseTo(1000, 3);
      const gb = tf.grad((x) => crossEntropyAtPositions(x, [0, 0]))(big);
      expectAllClose(
        gb,
        [
          [0, 0],
          [-0.5, 0.5],
        ],
        1e-6,
      );
    });
  });

  it('per row: value −log p(gold) and gradient (softmax − one-hot)·dy for a non-uniform dy', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([
        [0.5, -1, 2, 0],
        [3, 1, -2, 0.25],
        [0, 0, 0, 0],
      ]);
      const gold = Int32Array.of(2, 0, 3);
      const w = tf.tensor1d([1, -2, 0.5]);
      const logp = tf.logSoftmax(x).arraySync() as number[][];
      expectAllClose(
        softmaxNll(x, gold),
        Array.from(gold, (y, k) => -logp[k][y]),
        1e-6,
      );
      const ours = tf.grad((t) => tf.sum(tf.mul(softmaxNll(t as tf.Tensor2D, gold), w)))(x);
      const ref = tf.grad((t) =>
        tf.sum(
          tf.mul(tf.neg(tf.sum(tf.mul(tf.logSoftmax(t), tf.oneHot(tf.tensor1d(gold, 'int32'), 4)), 1)), w),
        ),
      )(x);
      expectAllClose(ours, ref, 1e-6);
    });
  });

  it('the fused kernel (where the backend has one) equals the op chain; the SELFEVO_FUSED_KERNELS flag turns it off', (ctx) => {
    const hasKernel = tf.getKernel('SelfevoSoftmaxNll', tf.getBackend()) != null;
    if (tf.getBackend() === 'wasm' && process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1')
      expect(hasKernel).toBe(true);
    if (!hasKernel) ctx.skip();
    const [k, v] = [37, 1001];
    const vals = Float32Array.from({ length: k * v }, (_, i) => Math.sin(i * 0.37) * 12);
    const gold = Int32Array.from({ length: k }, (_, i) => (i * 389) % v);
    const w = Float32Array.from({ length: k }, (_, i) => Math.cos(i));
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(vals, [k, v]);
        const loss = softmaxNll(x, gold).dataSync().slice();
        const g = tf.grad((t) => tf.sum(tf.mul(softmaxNll(t as tf.Tensor2D, gold), tf.tensor1d(w))))(x);
        return { loss, g: g.dataSync().slice() };
      });
    const before = tf.memory().numTensors;
    const fused = run();
    const env = tf.env();
    env.set('SELFEVO_FUSED_KERNELS', false);
    try {
      const chain = run();
      expectAllClose(fused.loss, chain.loss, 1e-5, 1e-6);
      expectAllClose(fused.g, chain.g, 1e-7, 1e-5);
    } finally {
      env.set('SELFEVO_FUSED_KERNELS', true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
