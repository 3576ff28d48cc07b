// The ops with the backend's fused kernels equal the same ops as tfjs-op chains (values and
// gradients, random and edge shapes), and a whole model step agrees. The fused kernels exist on
// the wasm backend in Node with @selfevo/native-gemm built (required in CI).
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { FUSED_KERNEL_NAMES, hasFusedKernel, setFusedKernels } from './fused-kernels.js';
import { BertForMaskedLM } from './heads.js';
import { activation, addLayerNorm, colSum, dropout, layerNorm, linear, maskedSoftmax } from './ops.js';
import { SeededRandom } from './rng.js';
import { valueAndGrads } from './train-utils.js';

/** Deterministic values in [-1, 1) (an LCG), scaled and shifted. */
function values(size: number, seed: number, scale = 1, shift = 0): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale + shift;
  }
  return out;
}

const t = (shape: number[], seed: number, scale = 1, shift = 0) =>
  tf.tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
      scale,
      shift,
    ),
    shape,
  );

/** f's value and the gradients of Σ f(x)·w with respect to every input, fused or not. */
function run(fused: boolean, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: () => tf.Tensor[]) {
  const before = setFusedKernels(fused);
  try {
    return tf.tidy(() => {
      const xs = inputs();
      const y = f(...xs);
      const w = t(y.shape, 99);
      const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs);
      return { y: y.dataSync().slice(), grads: grads.map((g) => g.dataSync().slice()) };
    });
  } finally {
    setFusedKernels(before);
  }
}

function expectSame(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: () => tf.Tensor[],
  atol: number,
  gradAtol = atol,
  gradsOf = Number.POSITIVE_INFINITY, // compare the gradients of the first `gradsOf` inputs
): void {
  const ref = run(false, f, inputs);
  const got = run(true, f, inputs);
  expectAllClose(got.y, ref.y, atol, 1e-5);
  for (const [i, g] of ref.grads.slice(0, gradsOf).entries()) expectAllClose(got.grads[i], g, gradAtol, 1e-4);
}

describeEachBackend('fused encoder kernels', (backend) => {
  const fused = () => backend === 'wasm' && hasFusedKernel('layerNorm');

  it('are registered on wasm where the native code is required (CI), and never on cpu', () => {
    const names = Object.keys(FUSED_KERNEL_NAMES) as (keyof typeof FUSED_KERNEL_NAMES)[];
    const on = names.map((n) => hasFusedKernel(n));
    if (backend === 'cpu') expect(on.every((x) => !x)).toBe(true);
    else if (process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1') expect(on.every((x) => x)).toBe(true);
    else expect(new Set(on).size).toBe(1); // all or none
    const was = setFusedKernels(false);
    expect(names.some((n) => hasFusedKernel(n))).toBe(false);
    setFusedKernels(was);
  });

  it.each([
    [[1, 1], 1e-12],
    [[3, 7], 1e-12],
    [[5, 33], 1e-5],
    [[300, 64], 1e-12], // several row blocks of the threaded split
    [[2, 3, 1000], 1e-12],
  ] as const)('layerNorm %j (eps %d) equals the op chain, values and gradients', (shape, eps) => {
    if (!fused()) return;
    const H = shape[shape.length - 1];
    expectSame(
      (x, g, b) => layerNorm(x, g as tf.Tensor1D, b as tf.Tensor1D, eps),
      () => [t([...shape], 1, 3, 0.5), t([H], 2, 0.5, 1), t([H], 3)],
      3e-5,
      3e-4,
    );
  });

  it.each([[[4, 8]], [[257, 128]]])('addLayerNorm %j: the residual gets the same gradient as x', (shape) => {
    if (!fused()) return;
    const H = shape[1];
    expectSame(
      (x, r, g, b) =>
        addLayerNorm(x as tf.Tensor2D, r as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-12),
      () => [t(shape, 4, 2), t(shape, 5), t([H], 6, 0.5, 1), t([H], 7)],
      3e-5,
      3e-4,
    );
  });

  it.each([[[1]], [[1001]], [[64, 1024]]])('gelu %j equals the op chain, values and gradients', (shape) => {
    if (!fused()) return;
    expectSame(
      (x) => activation(x, 'gelu'),
      () => [t(shape, 8, 13.5)],
      1e-6,
      1e-6,
    );
  });

  it.each([
    [[1, 1, 1, 1]],
    [[2, 3, 5, 7]],
    [[2, 4, 130, 130]], // rows of 130 (not a multiple of the vector width), threaded blocks
  ])('maskedSoftmax %j with masked keys equals the op chain, values and gradients', (shape) => {
    if (!fused()) return;
    const [B, , , K] = shape;
    // Mask out every third key of each sequence (keep the first), as attentionMaskBias does.
    const mask = () =>
      tf.tensor4d(
        Float32Array.from({ length: B * K }, (_, i) => (i % K > 0 && i % 3 === 0 ? -1e9 : 0)),
        [B, 1, 1, K],
      );
    expectSame(
      (s, m) => maskedSoftmax(s as tf.Tensor4D, m as tf.Tensor4D),
      () => [t(shape, 9, 6), mask()],
      1e-6,
      1e-6,
      1, // the mask is a constant: the fused op gives it no gradient
    );
  });

  it.each([[[1, 1]], [[2049, 33]]])(
    'colSum %j and the bias gradient of a linear layer equal the matMul path',
    (shape) => {
      if (!fused()) return;
      expectSame(
        (m) => tf.reshape(colSum(m as tf.Tensor2D), [1, -1]),
        () => [t(shape, 12)],
        1e-4,
      );
      const [N, C] = shape;
      expectSame(
        (x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
        () => [t([N, 5], 13), t([C, 5], 14), t([C], 15)],
        1e-5,
        1e-4,
      );
    },
  );

  it.each([0.1, 0.5, 0.9])('dropout (rate %d) draws the same mask from the same seed', (rate) => {
    if (!fused()) return;
    const shape = [3, 1001];
    const go = (on: boolean) => {
      const rng = new SeededRandom(1234);
      return run(
        on,
        (x) => dropout(x, rate, rng),
        () => [t(shape, 10)],
      );
    };
    const ref = go(false);
    const got = go(true);
    expect(got.y).toEqual(ref.y);
    expect(got.grads[0]).toEqual(ref.grads[0]);
    const kept = got.y.filter((v) => v !== 0).length / got.y.length;
    expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.03);
  });

  it('a BertForMaskedLM training step: same loss and gradients fused or not; no tensor leaks', () => {
    if (!fused()) return;
    const config = makeConfig({
      vocabSize: 97,
      hiddenSize: 32,
      numHiddenLayers: 2,
      numAttentionHeads: 4,
      intermediateSize: 64,
      maxPositionEmbeddings: 16,
    });
    const model = new BertForMaskedLM(config, { seed: 3 });
    const ids = Int32Array.from(values(2 * 12, 11), (v) => Math.floor((v + 1) * 48));
    const mask = Int32Array.from({ length: 24 }, (_, i) => (i % 12 < 10 ? 1 : 0));
    const state = model.rng.getState();
    const step = (on: boolean) => {
      const was = setFusedKernels(on);
      model.rng.setState(state);
      try {
        const { loss: value, grads } = valueAndGrads(model.namedParameters(), () =>
          tf.tidy(() => {
            const out = model.forward({
              inputIds: { data: ids, shape: [2, 12] },
              attentionMask: { data: mask, shape: [2, 12] },
              training: true,
            });
            return tf.mean(tf.square(out.logits)) as tf.Scalar;
          }),
        );
        const g = Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, v.dataSync().slice()]));
        tf.dispose(Object.values(grads));
        return { value, g };
      } finally {
        setFusedKernels(was);
      }
    };
    step(true);
    const before = tf.memory().numTensors;
    const ref = step(false);
    const got = step(true);
    for (let i = 0; i < 3; i++) step(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(got.value - ref.value)).toBeLessThan(1e-5 * Math.abs(ref.value) + 1e-7);
    for (const k of Object.keys(ref.g)) expectAllClose(got.g[k], ref.g[k], 1e-5, 1e-3);
    model.dispose();
  });
});
