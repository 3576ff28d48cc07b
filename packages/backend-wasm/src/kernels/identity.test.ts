import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend } from '../register.js';
import { registerWasmKernelFixes, unregisterWasmKernelFixes } from './index.js';
import type { WasmBackendLike } from './wasm-backend-like.js';

describe('wasm Identity override (shares the buffer instead of copying it)', () => {
  beforeAll(async () => {
    await registerWasmBackend();
    await tf.setBackend('wasm');
    registerWasmKernelFixes();
  });

  it('a clone has the same values, shares the heap buffer, and outlives its source', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const ids = backend.numDataIds();
    const heap = backend.wasm.HEAPU8.length;
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(ids); // no new buffer
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    expect(backend.numDataIds()).toBe(ids - 1); // freed with the last reference
    expect(backend.wasm.HEAPU8.length).toBe(heap);
  });

  it('int32, bool and string tensors clone correctly', () => {
    expect(Array.from(tf.clone(tf.tensor([1, -2], [2], 'int32')).dataSync())).toEqual([1, -2]);
    expect(Array.from(tf.clone(tf.tensor([true, false], [2], 'bool')).dataSync())).toEqual([1, 0]);
    expect(tf.clone(tf.tensor(['a', 'bc'])).arraySync()).toEqual(['a', 'bc']);
  });

  it('gradients that save their inputs (engine.clone → Identity) equal cpu, with no leaks', async () => {
    const f = () =>
      tf.tidy(() => {
        const x = tf.tensor(
          Array.from({ length: 24 }, (_, i) => Math.sin(i)),
          [4, 6],
        );
        const w = tf.tensor(
          Array.from({ length: 18 }, (_, i) => Math.cos(i)),
          [6, 3],
        );
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.exp(tf.tanh(tf.matMul(tf.square(a), b)))),
        )([x, w]);
        return g.map((t) => Array.from(t.dataSync()));
      });
    await tf.setBackend('cpu');
    const ref = f();
    await tf.setBackend('wasm');
    f(); // warm-up
    const before = tf.memory().numTensors;
    const got = f();
    expect(tf.memory().numTensors).toBe(before);
    for (let j = 0; j < 2; j++)
      for (let i = 0; i < ref[j].length; i++) expect(got[j][i]).toBeCloseTo(ref[j][i], 5);
  });

  it('the original (copying) kernel is restored by unregisterWasmKernelFixes', () => {
    unregisterWasmKernelFixes();
    try {
      const x = tf.tensor([1, 2]);
      const y = tf.clone(x);
      expect(y.dataId).not.toBe(x.dataId);
      tf.dispose([x, y]);
    } finally {
      registerWasmKernelFixes();
    }
  });
});
