import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from '../register.js';
import { transposeConfig } from './transpose.js';

const cases: { shape: number[]; perm: number[]; dtype?: 'float32' | 'int32' | 'bool' }[] = [
  { shape: [16, 12, 4, 8], perm: [0, 2, 1, 3] },
  { shape: [16, 12, 4, 8], perm: [0, 2, 3, 1] },
  { shape: [5, 7], perm: [1, 0] },
  { shape: [3, 4, 5], perm: [2, 0, 1], dtype: 'int32' },
  { shape: [9], perm: [0] },
  { shape: [2, 3, 4, 5], perm: [3, 2, 1, 0] },
  { shape: [2, 0, 4], perm: [1, 2, 0] },
  { shape: [2, 3, 2, 2, 2], perm: [4, 3, 2, 1, 0] }, // rank 5: the original kernel
  { shape: [3, 2], perm: [1, 0], dtype: 'bool' }, // bool: the original kernel
];

function run(c: (typeof cases)[number]) {
  return tf.tidy(() => {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const vals = Array.from({ length: n }, (_, i) => (i * 7) % 13);
    const x =
      c.dtype === 'bool'
        ? tf.tensor(
            vals.map((v) => v % 2 === 1),
            c.shape,
            'bool',
          )
        : tf.tensor(vals, c.shape, c.dtype ?? 'float32');
    const y = tf.transpose(x, c.perm);
    return { shape: y.shape, out: Array.from(y.dataSync()) };
  });
}

describe('wasm Transpose override (native, threaded)', () => {
  beforeAll(async () => {
    await registerWasmBackend();
  });

  it('is the registered Transpose', () => {
    expect(tf.getKernel('Transpose', 'wasm')?.kernelFunc).toBe(transposeConfig.kernelFunc);
  });

  it('leaves the backend kernels that transpose internally working (Sum and Max over a leading axis)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([
      [1, 5, 3],
      [4, 2, 6],
    ]);
    expect(Array.from(tf.sum(x, 0).dataSync())).toEqual([5, 7, 9]);
    expect(Array.from(tf.max(x, 0).dataSync())).toEqual([4, 5, 6]);
    x.dispose();
  });

  for (const native of [true, false]) {
    it.each(cases.map((c) => [JSON.stringify(c), c] as const))(
      `%s equals cpu (native ${native})`,
      async (_n, c) => {
        await registerWasmBackend({ nativeGemm: native });
        try {
          await tf.setBackend('cpu');
          const ref = run(c);
          await tf.setBackend('wasm');
          expect(run(c)).toEqual(ref);
          if (native && process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1')
            expect(wasmGemmInfo().native).toBe(true);
        } finally {
          await registerWasmBackend();
        }
      },
    );
  }
});
