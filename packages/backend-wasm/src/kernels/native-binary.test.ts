import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from '../register.js';
import { broadcastMode } from './native-binary.js';

const native = await (async () => {
  await registerWasmBackend();
  return wasmGemmInfo().native;
})();

it('broadcastMode: full, scalar, suffix (inner), prefix (outer), or none', () => {
  expect(broadcastMode([4, 5], [4, 5])).toBe(0);
  expect(broadcastMode([1, 1], [4, 5])).toBe(1);
  expect(broadcastMode([5], [4, 5])).toBe(2);
  expect(broadcastMode([1, 5], [4, 5])).toBe(2);
  expect(broadcastMode([4, 1], [4, 5])).toBe(3);
  expect(broadcastMode([2, 1, 1], [2, 3, 4])).toBe(3);
  expect(broadcastMode([3, 4], [2, 3, 4])).toBe(2);
  expect(broadcastMode([1, 3, 1], [2, 3, 4])).toBe(-1);
});

const vals = (shape: number[], seed: number) =>
  tf.tensor(
    Float32Array.from({ length: tf.util.sizeFromShape(shape) }, (_, i) => Math.sin(i * 0.7 + seed) * 3),
    shape,
  );

const pairs: [number[], number[]][] = [
  [
    [37, 41],
    [37, 41],
  ],
  [[37, 41], []],
  [[], [37, 41]],
  [[37, 41], [41]],
  [[41], [37, 41]],
  [
    [37, 41],
    [37, 1],
  ],
  [
    [37, 1],
    [37, 41],
  ],
  [
    [2, 3, 4],
    [1, 3, 1],
  ], // no mode fits: the backend's own kernel
  [
    [2, 3, 4],
    [2, 1, 4],
  ],
  [
    [1, 5],
    [4, 1],
  ], // both broadcast
  [
    [1200, 1024],
    [1200, 1024],
  ], // large: split over threads
  [[0, 3], [3]],
];
const ops = { add: tf.add, sub: tf.sub, mul: tf.mul };

describe.each([
  ['native', true],
  ['tfjs-wasm', false],
] as const)('wasm Add / Sub / Multiply (%s)', (_name, useNative) => {
  beforeAll(async () => {
    await registerWasmBackend({ nativeGemm: useNative });
  });
  afterAll(async () => {
    await registerWasmBackend();
  });

  for (const [name, f] of Object.entries(ops))
    it.skipIf(useNative && !native)(
      `${name} equals cpu on every broadcast, values and gradients`,
      async () => {
        const run = () =>
          pairs.map(([sa, sb], k) =>
            tf.tidy(() => {
              const a = vals(sa, k);
              const b = vals(sb, k + 0.5);
              const y = f(a, b);
              // Gradients on the small pairs only (the cpu backend takes seconds on the large one).
              if (y.size > 10_000) return { shape: y.shape, y: y.dataSync(), ga: [], gb: [] };
              const [ga, gb] = tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.sin(f(x, z))))([a, b]);
              return { shape: y.shape, y: y.dataSync(), ga: ga.dataSync(), gb: gb.dataSync() };
            }),
          );
        await tf.setBackend('cpu');
        const ref = run();
        await tf.setBackend('wasm');
        const got = run();
        for (let k = 0; k < pairs.length; k++) {
          expect(got[k].shape).toEqual(ref[k].shape);
          let mismatches = 0; // one rounding per element: bit-exact
          for (let i = 0; i < ref[k].y.length; i++) if (!Object.is(got[k].y[i], ref[k].y[i])) mismatches++;
          expect(mismatches).toBe(0);
          // The gradient of a broadcast operand is a sum over the broadcast dims (cpu and wasm sum
          // in different orders).
          for (const key of ['ga', 'gb'] as const)
            for (let i = 0; i < ref[k][key].length; i++)
              expect(Math.abs(got[k][key][i] - ref[k][key][i])).toBeLessThanOrEqual(
                1e-4 * (1 + Math.abs(ref[k][key][i])),
              );
        }
      },
    );

  it('int32 operands keep their dtype and values', async () => {
    await tf.setBackend('wasm');
    const y = tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(5, 'int32'));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([6, 7, 8]);
  });
});
