import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../register.js';
import { registerWasmKernelFixes } from './index.js';
import type { WasmBackendLike } from './wasm-backend-like.js';

const slices: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [10], begin: [3], size: [4] },
  { shape: [4, 5], begin: [1, 0], size: [2, 5] }, // contiguous rows
  { shape: [4, 5], begin: [1, 2], size: [3, 2] },
  { shape: [3, 4, 5], begin: [1, 1, 1], size: [2, 3, 3] },
  { shape: [2, 3, 4, 5], begin: [0, 1, 2, 1], size: [2, 2, 2, 4] },
  { shape: [2, 2, 3, 2, 3], begin: [1, 0, 1, 1, 0], size: [1, 2, 2, 1, 3] }, // rank 5
  { shape: [3, 4], begin: [1, 1], size: [0, 2] }, // empty
  { shape: [4, 6], begin: [0, 0], size: [-1, 3] }, // size -1
];

function run(s: (typeof slices)[number], dtype: 'float32' | 'int32' | 'bool') {
  return tf.tidy(() => {
    const n = tf.util.sizeFromShape(s.shape);
    const ints = Array.from({ length: n }, (_, i) => (i * 7) % 11);
    // Built directly in the dtype: wasm's Cast to bool does not normalise values to 0/1 (tfjs 4.22).
    const x =
      dtype === 'bool'
        ? tf.tensor(
            ints.map((v) => v % 2 === 1),
            s.shape,
            'bool',
          )
        : tf.tensor(ints, s.shape, dtype);
    const y = tf.slice(x, s.begin, s.size);
    return { shape: y.shape, out: Array.from(y.dataSync()) };
  });
}

describe('wasm Slice override (reads views, not a copy of the whole input)', () => {
  beforeAll(async () => {
    await registerWasmBackend();
    registerWasmKernelFixes();
  });

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it.each(slices.map((s) => [JSON.stringify(s), s] as const))(`${dtype} %s equals cpu`, async (_n, s) => {
      await tf.setBackend('cpu');
      const ref = run(s, dtype);
      await tf.setBackend('wasm');
      const got = run(s, dtype);
      expect(got).toEqual(ref);
    });
  }

  it('strings go to the original kernel', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(['a', 'b', 'c', 'd'], [2, 2], 'string');
    expect(tf.slice(x, [1, 0], [1, 2]).arraySync()).toEqual([['c', 'd']]);
    x.dispose();
  });

  it('unstack and its gradient equal cpu, without leaks', async () => {
    const f = () =>
      tf.tidy(() => {
        const x = tf.tensor(
          Array.from({ length: 4 * 6 * 5 }, (_, i) => Math.sin(i)),
          [4, 6, 5],
        );
        const g = tf.grad((t: tf.Tensor) =>
          tf.sum(tf.addN(tf.unstack(t, 1).map((u, i) => tf.mul(u, i + 1)))),
        )(x);
        return Array.from(g.dataSync());
      });
    await tf.setBackend('cpu');
    const ref = f();
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    expect(f()).toEqual(ref);
    const tensors = tf.memory().numTensors;
    const ids = backend.numDataIds();
    for (let i = 0; i < 20; i++) f();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
  });
});

describe('wasm Unpack and SplitV overrides (slices through views)', () => {
  beforeAll(async () => {
    await registerWasmBackend();
    registerWasmKernelFixes();
  });

  const x = () =>
    tf.tensor(
      Array.from({ length: 3 * 4 * 5 }, (_, i) => Math.cos(i)),
      [3, 4, 5],
    );
  const cases: [string, () => tf.Tensor[]][] = [
    ['unstack axis 0', () => tf.unstack(x(), 0)],
    ['unstack axis 1', () => tf.unstack(x(), 1)],
    ['unstack axis -1', () => tf.unstack(x(), -1)],
    ['split 2 ways on axis 1', () => tf.split(x(), 2, 1)],
    ['split [1, 3, 1] on axis 2', () => tf.split(x(), [1, 3, 1], 2)],
    ['split [2, -1] on axis 0', () => tf.split(x(), [2, -1], 0)],
    ['unstack int32', () => tf.unstack(tf.cast(tf.mul(x(), 100), 'int32'), 2)],
  ];
  it.each(cases)('%s equals cpu', async (_name, f) => {
    const read = () => tf.tidy(() => f().map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })));
    await tf.setBackend('cpu');
    const ref = read();
    await tf.setBackend('wasm');
    expect(read()).toEqual(ref);
  });

  it('strings go to the original Unpack (tf.split takes no strings)', async () => {
    await tf.setBackend('wasm');
    const s = tf.tensor(['a', 'b', 'c', 'd'], [2, 2], 'string');
    expect(tf.unstack(s).map((t) => t.arraySync())).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    s.dispose();
  });

  it('does not leak', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    const t = x();
    const f = () =>
      tf.tidy(() => tf.addN([...tf.unstack(t, 1), ...tf.split(t, [2, 2], 1).map((u) => tf.sum(u, 1))]));
    f().dispose();
    const tensors = tf.memory().numTensors;
    const ids = backend.numDataIds();
    for (let i = 0; i < 20; i++) f().dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
    t.dispose();
  });
});
