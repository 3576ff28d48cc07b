import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from '../register.js';
import { values } from './lcg-values.test-helper.js';

type Case = {
  a: number[];
  b: number[];
  tA?: boolean;
  tB?: boolean;
  bias?: number[];
  activation?: 'linear' | 'relu' | 'elu' | 'sigmoid' | 'leakyrelu' | 'relu6';
};

function run(c: Case, seed: number): { out: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const a = tf.tensor(values(tf.util.sizeFromShape(c.a), seed), c.a);
    const b = tf.tensor(values(tf.util.sizeFromShape(c.b), seed + 1), c.b);
    const bias = c.bias ? tf.tensor(values(tf.util.sizeFromShape(c.bias), seed + 2), c.bias) : undefined;
    const out = tf.fused.matMul({
      a,
      b,
      transposeA: c.tA,
      transposeB: c.tB,
      bias,
      activation: c.activation ?? 'linear',
      leakyreluAlpha: 0.1,
    });
    return { out: out.dataSync() as Float32Array, shape: out.shape };
  });
}

// tfjs-backend-wasm 4.22's own _FusedMatMul adds the bias at the wrong columns for the
// transposed, batched-with-bias, rank-3 × rank-2 and size-1-bias cases below; the override must
// get every case right on both engines.
const cases: Case[] = [
  { a: [33, 20], b: [20, 17], bias: [17] },
  { a: [33, 20], b: [17, 20], tB: true, bias: [17], activation: 'relu' },
  { a: [20, 33], b: [20, 17], tA: true, bias: [1, 17], activation: 'relu' },
  { a: [3, 9, 8], b: [3, 8, 5], activation: 'relu' }, // batched, no bias
  { a: [4, 9, 8], b: [8, 40], tB: false, bias: [40] }, // rank 3 × rank 2
  { a: [9, 8], b: [8, 5], bias: [1] }, // a broadcast (size-1) bias
  { a: [9, 8], b: [8, 5], bias: [5], activation: 'elu' }, // other activations
  { a: [9, 8], b: [5, 8], tB: true, bias: [5], activation: 'sigmoid' },
  { a: [2, 9, 8], b: [2, 8, 5], bias: [5], activation: 'leakyrelu' },
  { a: [9, 8], b: [8, 5], bias: [5], activation: 'relu6' },
];

const label = (c: Case) =>
  `[${c.a}]${c.tA ? 'ᵀ' : ''} × [${c.b}]${c.tB ? 'ᵀ' : ''} + ${c.bias ? `[${c.bias}]` : 'no bias'}, ${c.activation ?? 'linear'}`;

const nativeAvailable = await (async () => {
  await registerWasmBackend();
  return wasmGemmInfo().native;
})();

describe.each([
  ['XNNPACK', false],
  ['native GEMM', true],
] as const)('wasm _FusedMatMul override (%s)', (_engine, native) => {
  beforeAll(async () => {
    await registerWasmBackend({ nativeGemm: native });
  });
  afterAll(async () => {
    await registerWasmBackend();
  });

  it.skipIf(native && !nativeAvailable).each(cases.map((c, i) => [label(c), c, i] as const))(
    '%s equals cpu',
    async (_name, c, i) => {
      await tf.setBackend('cpu');
      const ref = run(c, 7 + i);
      await tf.setBackend('wasm');
      const got = run(c, 7 + i);
      expect(got.shape).toEqual(ref.shape);
      let worst = 0;
      for (let j = 0; j < ref.out.length; j++) worst = Math.max(worst, Math.abs(got.out[j] - ref.out[j]));
      expect(worst).toBeLessThan(1e-5);
      if (c.activation === 'relu') expect(got.out.some((v) => v === 0)).toBe(true);
    },
  );

  it.skipIf(native && !nativeAvailable)('gradients of a fused linear + ReLU layer equal cpu', async () => {
    const grads = () =>
      tf.tidy(() => {
        const x = tf.tensor(values(24 * 10, 3), [24, 10]);
        const w = tf.tensor(values(10 * 6, 4), [10, 6]);
        const b = tf.tensor(values(6, 5), [6]);
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(
            tf.sin(
              tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation: 'relu' }),
            ),
          ),
        )([x, w, b]);
        return g.map((t) => t.dataSync() as Float32Array);
      });
    await tf.setBackend('cpu');
    const ref = grads();
    await tf.setBackend('wasm');
    const got = grads();
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < ref[j].length; i++) expect(Math.abs(got[j][i] - ref[j][i])).toBeLessThan(1e-5);
  });
});
