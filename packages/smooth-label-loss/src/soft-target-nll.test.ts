import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { rectifiedSmoothLabelLoss } from './rectified-smooth-label-loss.js';

describeEachBackend('rectified smooth labels: the fused kernel', () => {
  it('equals the op chain for every reference kind, with positions and ignored rows; the SELFEVO_FUSED_KERNELS flag turns it off', (ctx) => {
    const hasKernel = tf.getKernel('SelfevoSoftTargetNll', tf.getBackend()) != null;
    if (tf.getBackend() === 'wasm' && process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1')
      expect(hasKernel).toBe(true);
    if (!hasKernel) ctx.skip();
    const [k, v] = [37, 1001];
    const vals = Float32Array.from({ length: k * v }, (_, i) => Math.sin(i * 0.37) * 12);
    const refVals = Float32Array.from({ length: k * v }, (_, i) => Math.cos(i * 0.11) * 7);
    // probabilities that do not sum to 1 (used as given, not renormalized)
    const probVals = Float32Array.from({ length: k * v }, (_, i) => (1 + Math.sin(i * 0.05)) / v);
    const labels = Int32Array.from({ length: k }, (_, i) => (i % 9 === 4 ? -100 : (i * 389) % v));
    const positions = Int32Array.from({ length: 20 }, (_, i) => (i * 7) % k);
    const w = Float32Array.from({ length: 20 }, (_, i) => Math.cos(i));
    const cases = [
      { reference: 'logits', alpha: 0.1 },
      { reference: 'probs', alpha: 0.35 },
      { reference: 'uniform', alpha: 0.2 },
      { reference: 'logits', alpha: 0 },
      { reference: 'logits', alpha: 1 },
    ] as const;
    const run = () =>
      cases.map(({ reference, alpha }) =>
        tf.tidy(() => {
          const x = tf.tensor2d(vals, [k, v]);
          const ref =
            reference === 'uniform'
              ? ('uniform' as const)
              : reference === 'logits'
                ? { logits: tf.tensor2d(refVals, [k, v]) }
                : { probs: tf.tensor2d(probVals, [k, v]) };
          const loss = (t: tf.Tensor, reduction: 'none' | 'mean') =>
            rectifiedSmoothLabelLoss(t, labels, { alpha, reference: ref, positions, reduction });
          const perRow = loss(x, 'none').dataSync().slice();
          const mean = loss(x, 'mean').dataSync()[0];
          const g = tf.grad((t) =>
            tf.sum(tf.mul(loss(t, 'none'), tf.tensor1d(w.subarray(0, perRow.length)))),
          )(x);
          return { perRow, mean, g: g.dataSync().slice() };
        }),
      );
    const before = tf.memory().numTensors;
    const fused = run();
    const env = tf.env();
    env.set('SELFEVO_FUSED_KERNELS', false);
    try {
      const chain = run();
      for (let c = 0; c < cases.length; c++) {
        expect(fused[c].perRow.length).toBe(chain[c].perRow.length);
        expectAllClose(fused[c].perRow, chain[c].perRow, 1e-4, 1e-5);
        expect(fused[c].mean).toBeCloseTo(chain[c].mean, 4);
        expectAllClose(fused[c].g, chain[c].g, 1e-7, 1e-4);
      }
    } finally {
      env.set('SELFEVO_FUSED_KERNELS', true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
