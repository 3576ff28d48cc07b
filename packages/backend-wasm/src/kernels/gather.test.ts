import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../register.js';
import { gatherV2Config } from './gather.js';

const cases: {
  shape: number[];
  indices: number[][] | number[];
  axis?: number;
  dtype?: 'float32' | 'int32';
}[] = [
  { shape: [7, 5], indices: [3, 0, 6, 3] }, // repeats
  {
    shape: [7, 5],
    indices: [
      [1, 2],
      [6, 0],
    ],
  }, // 2-D indices → [2, 2, 5]
  { shape: [4, 3, 2], indices: [2, 2, 1], dtype: 'int32' },
  { shape: [6], indices: [5, 0] }, // rows of one element
  { shape: [5, 4], indices: [] }, // no indices
  { shape: [3, 4], indices: [2, 0], axis: 1 }, // another axis: the original kernel
];

function run(c: (typeof cases)[number]) {
  return tf.tidy(() => {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(
      Array.from({ length: n }, (_, i) => (i * 13) % 17),
      c.shape,
      c.dtype ?? 'float32',
    );
    const y = tf.gather(x, tf.tensor(c.indices as number[], undefined, 'int32'), c.axis ?? 0);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.gather(t, tf.tensor(c.indices as number[], undefined, 'int32'), c.axis ?? 0)),
    );
    return {
      shape: y.shape,
      out: Array.from(y.dataSync()),
      grad: c.dtype === 'int32' ? [] : Array.from(g(x).dataSync()),
    };
  });
}

describe('wasm GatherV2 override (rows copied through heap views)', () => {
  beforeAll(async () => {
    await registerWasmBackend();
  });

  it('is the registered GatherV2', () => {
    expect(tf.getKernel('GatherV2', 'wasm')?.kernelFunc).toBe(gatherV2Config.kernelFunc);
  });

  it.each(cases.map((c) => [JSON.stringify(c), c] as const))(
    '%s equals cpu (values and gradient)',
    async (_n, c) => {
      await tf.setBackend('cpu');
      const ref = run(c);
      await tf.setBackend('wasm');
      expect(run(c)).toEqual(ref);
    },
  );

  it('rejects an index out of range as the original does', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32'))).toThrow(
      /GatherV2: the index value 3 is not in \[0, 2\]/,
    );
    expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([-1], 'int32'))).toThrow(/index value -1/);
  });
});
