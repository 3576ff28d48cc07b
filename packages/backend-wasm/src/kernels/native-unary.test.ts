import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from '../register.js';

const nativeUnary = await (async () => {
  await registerWasmBackend();
  const info = wasmGemmInfo();
  return info.native && info.unary;
})();

it('native exp/erf/tanh are in use where the native GEMM is required (CI)', () => {
  if (process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1') expect(nativeUnary).toBe(true);
  else expect(typeof nativeUnary).toBe('boolean');
});

const xs = Array.from({ length: 1001 }, (_, i) => (i - 500) / 37); // [-13.5, 13.5], odd length
const ops = {
  exp: (x: tf.Tensor) => tf.exp(x),
  erf: (x: tf.Tensor) => tf.erf(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
};

describe.each([
  ['native', true],
  ['tfjs-wasm', false],
] as const)('wasm Exp / Erf / Tanh (%s)', (_name, native) => {
  beforeAll(async () => {
    await registerWasmBackend({ nativeGemm: native });
  });
  afterAll(async () => {
    await registerWasmBackend();
  });

  for (const [name, f] of Object.entries(ops)) {
    it.skipIf(native && !nativeUnary)(
      `${name} equals cpu (relative 1e-6), values and gradients`,
      async () => {
        const run = () =>
          tf.tidy(() => {
            const x = tf.tensor1d(xs);
            const y = f(x).dataSync() as Float32Array;
            const g = tf
              .grad((t: tf.Tensor) => tf.sum(f(t)))(x)
              .dataSync() as Float32Array;
            return { y: Float32Array.from(y), g: Float32Array.from(g) };
          });
        await tf.setBackend('cpu');
        const ref = run();
        await tf.setBackend('wasm');
        const got = run();
        // tfjs-backend-cpu's Erf is the Abramowitz–Stegun formula (|error| ≤ 1.5e-7); tfjs-wasm's own
        // Tanh is off by up to 1.2e-7 near 0.
        const abs = name === 'erf' ? 3e-7 : 2e-7;
        for (let i = 0; i < xs.length; i++) {
          expect(Math.abs(got.y[i] - ref.y[i])).toBeLessThanOrEqual(abs + 1e-6 * Math.abs(ref.y[i]));
          expect(Math.abs(got.g[i] - ref.g[i])).toBeLessThanOrEqual(abs + 1e-6 * Math.abs(ref.g[i]) + 1e-30);
        }
      },
    );
  }

  it('int32 inputs and empty tensors', async () => {
    await tf.setBackend('wasm');
    const y = tf.exp(tf.tensor1d([0, 1, 2], 'int32'));
    expect(y.dtype).toBe('float32');
    const got = y.dataSync();
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(Math.exp(i), 5);
    expect(tf.tanh(tf.tensor1d([])).shape).toEqual([0]);
  });
});
