import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../register.js';
import { sumConfig } from './sum.js';

const cases: {
  shape: number[];
  axis?: number | number[];
  keepDims?: boolean;
  dtype?: 'float32' | 'int32';
}[] = [
  { shape: [32, 12, 16], axis: 0 }, // the position embeddings' gradient
  { shape: [4, 5, 6], axis: [1, 0], keepDims: true },
  { shape: [300, 7] }, // every axis
  { shape: [3, 4], axis: -1 }, // last axis: the original kernel
  { shape: [3, 4, 5], axis: [0, 2] }, // not a prefix: the original kernel
  { shape: [6, 2], axis: 0, dtype: 'int32' }, // int32: the original kernel
  { shape: [0, 3], axis: 0 }, // no rows: zeros
];

function run(c: (typeof cases)[number]) {
  return tf.tidy(() => {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(
      Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 7 - 5),
      c.shape,
      c.dtype ?? 'float32',
    );
    const y = tf.sum(x, c.axis, c.keepDims);
    return { shape: y.shape, dtype: y.dtype, out: Array.from(y.dataSync()) };
  });
}

describe('wasm Sum override over leading axes (native column sums)', () => {
  beforeAll(async () => {
    await registerWasmBackend();
  });

  it('is the registered Sum', () => {
    expect(tf.getKernel('Sum', 'wasm')?.kernelFunc).toBe(sumConfig.kernelFunc);
  });

  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s equals cpu', async (_n, c) => {
    await tf.setBackend('cpu');
    const ref = run(c);
    await tf.setBackend('wasm');
    const got = run(c);
    expect(got.shape).toEqual(ref.shape);
    expect(got.dtype).toEqual(ref.dtype);
    for (let i = 0; i < ref.out.length; i++)
      expect(Math.abs(got.out[i] - ref.out[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.out[i])));
  });
});
