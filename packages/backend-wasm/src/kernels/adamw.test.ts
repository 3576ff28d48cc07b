import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from '../register.js';
import { ADAMW_KERNEL } from './adamw.js';

const nativeAvailable = await (async () => {
  await registerWasmBackend();
  await tf.setBackend('wasm');
  return wasmGemmInfo().native;
})();

const n = 1037;
const vals = (seed: number, scale = 1) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * scale);
const attrs = { stepSize: 0.01, beta1: 0.9, beta2: 0.999, bc2Sqrt: 0.05, eps: 1e-8, decay: 0.999 };

function run(): Float32Array[] {
  return tf.tidy(() => {
    const inputs = {
      param: tf.tensor1d(vals(1)),
      grad: tf.tensor1d(vals(2)),
      m: tf.tensor1d(vals(3, 0.1)),
      v: tf.abs(tf.tensor1d(vals(4, 0.01))),
    };
    const out = tf.engine().runKernel(ADAMW_KERNEL, inputs, attrs as never) as tf.Tensor[];
    return out.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  });
}

function reference(): Float64Array[] {
  const [p, g, m, v] = [vals(1), vals(2), vals(3, 0.1), vals(4, 0.01).map(Math.abs)];
  const out = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let i = 0; i < n; i++) {
    const mi = attrs.beta1 * m[i] + (1 - attrs.beta1) * g[i];
    const vi = attrs.beta2 * v[i] + (1 - attrs.beta2) * g[i] * g[i];
    out[0][i] = attrs.decay * p[i] - (attrs.stepSize * mi) / (Math.sqrt(vi) / attrs.bc2Sqrt + attrs.eps);
    out[1][i] = mi;
    out[2][i] = vi;
  }
  return out;
}

describe.each([
  ['native', true],
  ['JS loop', false],
] as const)('wasm SelfevoAdamW kernel (%s)', (_name, native) => {
  afterAll(async () => {
    await registerWasmBackend();
  });

  it.skipIf(native && !nativeAvailable)(
    'equals the float64 update (float32 rounding: relative 4e-6) and leaks nothing',
    async () => {
      await registerWasmBackend({ nativeGemm: native });
      const ref = reference();
      run(); // warm-up
      const before = tf.memory().numTensors;
      const got = run();
      expect(tf.memory().numTensors).toBe(before);
      for (let k = 0; k < 3; k++)
        for (let i = 0; i < n; i++)
          expect(Math.abs(got[k][i] - ref[k][i])).toBeLessThanOrEqual(4e-6 * Math.abs(ref[k][i]) + 1e-8);
    },
  );

  it('names the bad input or attribute', async () => {
    await registerWasmBackend({ nativeGemm: native });
    const a = tf.ones([3]);
    const b = tf.ones([4]);
    const call =
      (inputs: object, at: object = attrs) =>
      () =>
        tf.engine().runKernel(ADAMW_KERNEL, inputs as never, at as never);
    expect(call({ param: a, grad: b, m: a, v: a })).toThrow(/input grad has shape \[4\], param is \[3\]/);
    expect(call({ param: a, grad: a, m: a, v: tf.ones([3], 'int32') })).toThrow(/input v must be float32/);
    expect(call({ param: a, grad: a, m: a, v: a }, { ...attrs, eps: Number.NaN })).toThrow(
      /attr eps must be a finite/,
    );
    tf.dispose([a, b]);
  });
});
