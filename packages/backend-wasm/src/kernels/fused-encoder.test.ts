import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from '../register.js';
import { fusedEncoderConfigs } from './fused-encoder.js';

const names = fusedEncoderConfigs.map((c) => c.kernelName);
const registered = () => names.filter((n) => tf.getKernel(n, 'wasm') != null);

const nativeFused = await (async () => {
  await registerWasmBackend();
  const info = wasmGemmInfo();
  return info.native && info.unary;
})();

it('the fused encoder kernels are registered exactly while the native code is in use', async () => {
  if (process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1') expect(nativeFused).toBe(true);
  expect(registered()).toEqual(nativeFused ? names : []);
  await registerWasmBackend({ nativeGemm: false });
  expect(registered()).toEqual([]);
  await registerWasmBackend();
  expect(registered()).toEqual(nativeFused ? names : []);
});

describe.skipIf(!nativeFused)('fused encoder kernels check their inputs', () => {
  beforeAll(async () => {
    await registerWasmBackend();
    await tf.setBackend('wasm');
  });
  afterAll(() => tf.disposeVariables());

  const run =
    (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}) =>
    () =>
      tf.tidy(() => {
        tf.engine().runKernel(name, inputs, attrs);
      });

  it('names the kernel and the bad input or attribute', () => {
    const x = tf.ones([4, 8]);
    const g = tf.ones([8]);
    expect(run('SelfevoLayerNorm', { x, gamma: tf.ones([7]), beta: g }, { eps: 1e-5 })).toThrow(
      /SelfevoLayerNorm \(wasm\): gamma and beta must have 8 elements/,
    );
    expect(run('SelfevoLayerNorm', { x, gamma: g, beta: g }, { eps: 0 })).toThrow(
      /attr eps must be a positive/,
    );
    expect(run('SelfevoLayerNorm', { x, gamma: g, beta: g, residual: tf.ones([4, 7]) }, { eps: 1 })).toThrow(
      /residual has shape \[4,7\]/,
    );
    expect(run('SelfevoLayerNorm', { x: tf.ones([4, 8], 'int32'), gamma: g, beta: g }, { eps: 1 })).toThrow(
      /input x must be float32, got int32/,
    );
    expect(run('SelfevoLayerNormGrad', { dy: x, xhat: x, rstd: tf.ones([3]), gamma: g })).toThrow(
      /rstd must have 4 elements/,
    );
    expect(run('SelfevoGeluGrad', { dy: x, x: tf.ones([8, 4]) })).toThrow(/x has shape \[8,4\]/);
    expect(run('SelfevoSoftmax', { x: tf.ones([2, 3, 4, 5]), mask: tf.ones([2, 3, 1, 5]) })).toThrow(
      /mask has shape \[2,3,1,5\]/,
    );
    expect(run('SelfevoDropout', { x }, { seed: -1, threshold: 0, keep: 1 })).toThrow(
      /attr seed must be a uint32/,
    );
    expect(run('SelfevoDropout', { x }, { seed: 1, threshold: 0, keep: 0.5 })).toThrow(/attr keep must be/);
    expect(run('SelfevoColumnSum', { x: tf.ones([2, 3, 4]) })).toThrow(/x must be 2-D, got \[2,3,4\]/);
    expect(run('SelfevoSoftmaxNll', { x, gold: tf.tensor1d([0, 1, 2, 3]) })).toThrow(/gold must be int32/);
    expect(run('SelfevoSoftmaxNll', { x, gold: tf.tensor1d([0, 1, 2, 8], 'int32') })).toThrow(
      /gold\[3\] = 8 is not in \[0, 8\)/,
    );
    const ref = tf.zeros([4, 8]);
    const gold = tf.tensor1d([0, 1, 2, 3], 'int32');
    expect(run('SelfevoSoftTargetNll', { x, gold, ref }, { alpha: 2, reference: 'logits' } as never)).toThrow(
      /attr alpha must be in \[0, 1\], got 2/,
    );
    expect(run('SelfevoSoftTargetNll', { x, gold, ref }, { alpha: 0.1, reference: 'soft' } as never)).toThrow(
      /attr reference must be 'probs', 'logits' or 'uniform', got soft/,
    );
    expect(run('SelfevoSoftTargetNll', { x, gold }, { alpha: 0.1, reference: 'probs' } as never)).toThrow(
      /input ref is missing/,
    );
    expect(
      run('SelfevoSoftTargetNll', { x, gold, ref: tf.zeros([4, 7]) }, {
        alpha: 0.1,
        reference: 'logits',
      } as never),
    ).toThrow(/ref has shape \[4,7\], expected \[4,8\]/);
    expect(
      run('SelfevoSoftTargetNll', { x, gold, ref }, { alpha: 0.1, reference: 'uniform' } as never),
    ).toThrow(/input ref must be absent/);
    expect(run('SelfevoRowScale', { g: x, dy: tf.ones([3]) })).toThrow(/dy must have 4 elements, got \[3\]/);
    expect(run('SelfevoGelu', {})).toThrow(/SelfevoGelu \(wasm\): input x is missing/);
  });

  it('handle empty tensors and leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const [y, xhat, rstd] = tf
        .engine()
        .runKernel(
          'SelfevoLayerNorm',
          { x: tf.ones([0, 8]), gamma: tf.ones([8]), beta: tf.ones([8]) },
          { eps: 1e-5 },
        ) as tf.Tensor[];
      expect([y.shape, xhat.shape, rstd.shape]).toEqual([[0, 8], [0, 8], [0]]);
      const [d, m] = tf.engine().runKernel(
        'SelfevoDropout',
        { x: tf.ones([0]) },
        {
          seed: 1,
          threshold: 0,
          keep: 1,
        },
      ) as tf.Tensor[];
      expect([d.shape, m.shape]).toEqual([[0], [0]]);
      const empty = tf.engine().runKernel('SelfevoSumSquares', { x: tf.ones([0, 3]) }) as tf.Tensor;
      expect([empty.shape, empty.dataSync()[0]]).toEqual([[], 0]);
      const ss = tf.engine().runKernel('SelfevoSumSquares', { x: tf.tensor2d([1, -2, 3, 0.5], [2, 2]) });
      expect((ss as tf.Tensor).dataSync()[0]).toBe(14.25);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
