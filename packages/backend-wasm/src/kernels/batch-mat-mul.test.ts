import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from '../register.js';
import { registerWasmKernelFixes, unregisterWasmKernelFixes, wasmKernelFixesActive } from './index.js';
import { values } from './lcg-values.test-helper.js';
import type { WasmBackendLike } from './wasm-backend-like.js';

type Case = { a: number[]; b: number[]; tA: boolean; tB: boolean };

/**
 * The batch dims both inputs broadcast to. tfjs-backend-cpu mishandles batch dims that broadcast
 * on both sides ([2,1] × [3]: it computes max(2, 3) matrices instead of 6), so the cpu reference
 * gets inputs broadcast to the full batch shape first.
 */
function batchShape(c: Case): number[] {
  return tf.backend_util.assertAndGetBroadcastShape(c.a.slice(0, -2), c.b.slice(0, -2));
}

async function onBackend<T>(name: string, f: () => T): Promise<T> {
  await tf.setBackend(name);
  return f();
}

function run(c: Case, seed: number, broadcastFirst = false): { out: number[]; shape: number[] } {
  return tf.tidy(() => {
    let a = tf.tensor(values(tf.util.sizeFromShape(c.a), seed), c.a);
    let b = tf.tensor(values(tf.util.sizeFromShape(c.b), seed + 1), c.b);
    if (broadcastFirst) {
      const batch = batchShape(c);
      a = tf.broadcastTo(a, [...batch, ...c.a.slice(-2)]);
      b = tf.broadcastTo(b, [...batch, ...c.b.slice(-2)]);
    }
    const out = tf.matMul(a, b, c.tA, c.tB);
    return { out: Array.from(out.dataSync()), shape: out.shape };
  });
}

function grads(c: Case, seed: number): number[][] {
  return tf.tidy(() => {
    const a = tf.tensor(values(tf.util.sizeFromShape(c.a), seed), c.a);
    const b = tf.tensor(values(tf.util.sizeFromShape(c.b), seed + 1), c.b);
    // A non-linear head so that dL/d(out) is not constant.
    const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y, c.tA, c.tB))));
    return g([a, b]).map((t) => Array.from(t.dataSync()));
  });
}

function maxDiff(x: number[], y: number[]): number {
  expect(x.length).toBe(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

const flags: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** Shapes as [M, K] × [K, N] before transposition, with batch dims. */
function shaped(batchA: number[], batchB: number[], m: number, k: number, n: number): Case[] {
  return flags.map(([tA, tB]) => ({
    a: [...batchA, ...(tA ? [k, m] : [m, k])],
    b: [...batchB, ...(tB ? [n, k] : [k, n])],
    tA,
    tB,
  }));
}

const cases: Case[] = [
  ...shaped([], [], 7, 5, 3), // 2D
  ...shaped([], [], 1, 1, 1),
  ...shaped([], [], 13, 1, 17), // K = 1
  ...shaped([], [], 1, 33, 1), // matrix-vector shapes
  ...shaped([1], [1], 9, 6, 11), // batch 1
  ...shaped([3], [3], 7, 5, 4), // batched
  ...shaped([2, 3], [2, 3], 5, 9, 3), // two batch dims
  ...shaped([4], [1], 6, 5, 7), // b broadcast along the batch (one GEMM path)
  ...shaped([1], [4], 6, 5, 7), // a broadcast along the batch
  ...shaped([2, 1], [3], 4, 3, 6), // both broadcast: [2,1] × [3] -> [2,3]
  ...shaped([], [3], 4, 3, 2), // rank 2 × rank 3
  ...shaped([5], [], 4, 3, 2), // rank 3 × rank 2
  ...shaped([2], [2], 0, 3, 4), // empty output
  ...shaped([2], [2], 3, 0, 4), // empty inner dim: zeros
];

const label = (c: Case) => `[${c.a}]${c.tA ? 'ᵀ' : ''} × [${c.b}]${c.tB ? 'ᵀ' : ''}`;

// Both GEMM engines behind the override: the native one (Node on x86-64, required in CI through
// SELFEVO_REQUIRE_NATIVE_GEMM=1) and XNNPACK inside the wasm module (what browsers get).
const nativeAvailable = await (async () => {
  await registerWasmBackend();
  return wasmGemmInfo().native;
})();

it('the native GEMM is in use where it is required (CI)', () => {
  if (process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1') expect(wasmGemmInfo()).toMatchObject({ native: true });
  else expect(typeof nativeAvailable).toBe('boolean');
});

describe.each([
  ['native GEMM', true],
  ['XNNPACK', false],
] as const)('wasm BatchMatMul override (%s)', (_engine, native) => {
  beforeAll(async () => {
    await registerWasmBackend({ nativeGemm: native });
    await tf.setBackend('wasm');
    registerWasmKernelFixes();
  });
  afterAll(async () => {
    await registerWasmBackend();
  });

  it.skipIf(native && !nativeAvailable)('uses the engine asked for', () => {
    expect(wasmGemmInfo().native).toBe(native);
  });

  it('is registered in place of the backend kernel, and can be switched off and on', async () => {
    expect(wasmKernelFixesActive()).toBe(true);
    unregisterWasmKernelFixes();
    expect(wasmKernelFixesActive()).toBe(false);
    // The restored original kernel must still work (its C++ binding is set up on restore).
    const c: Case = { a: [2, 3, 4], b: [2, 4, 5], tA: false, tB: false };
    const viaOriginal = run(c, 3);
    registerWasmKernelFixes();
    expect(wasmKernelFixesActive()).toBe(true);
    const viaFix = run(c, 3);
    expect(viaFix.shape).toEqual(viaOriginal.shape);
    expect(maxDiff(viaFix.out, viaOriginal.out)).toBeLessThan(1e-5);
  });

  it.each(cases.map((c, i) => [label(c), c, i] as const))('%s equals cpu', async (_name, c, i) => {
    const ref = await onBackend('cpu', () => run(c, 10 + i, true));
    const got = await onBackend('wasm', () => run(c, 10 + i));
    expect(got.shape).toEqual(ref.shape);
    const k = c.tA ? c.a[c.a.length - 2] : c.a[c.a.length - 1];
    expect(maxDiff(got.out, ref.out)).toBeLessThanOrEqual(1e-6 * Math.max(1, k));
  });

  it('leaves inputs untouched and gives a clear error for mismatched inner dims', async () => {
    await tf.setBackend('wasm');
    const a = tf.ones([2, 3, 4]);
    const b = tf.ones([2, 5, 6]);
    expect(() => tf.matMul(a, b)).toThrow(/inner shapes \(4\) and \(5\)/);
    tf.dispose([a, b]);
  });

  const gradCases: Case[] = [
    ...shaped([], [], 6, 4, 5),
    ...shaped([3], [3], 5, 4, 6),
    ...shaped([2, 2], [2, 2], 3, 7, 2),
  ];
  // No broadcast cases here: tfjs-core's BatchMatMul gradient rejects broadcast batch dims on
  // every backend ("gradient of input 'b' has shape '4,4,2' ... input '1,4,2'").
  it.each(gradCases.map((c, i) => [label(c), c, i] as const))(
    'gradients through %s equal cpu',
    async (_name, c, i) => {
      const ref = await onBackend('cpu', () => grads(c, 100 + i));
      const got = await onBackend('wasm', () => grads(c, 100 + i));
      expect(got.length).toBe(2);
      for (let j = 0; j < 2; j++) expect(maxDiff(got[j], ref[j])).toBeLessThan(1e-5);
    },
  );

  it('leaks no tensors, data ids or heap memory across repeated batched calls', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    const a = tf.tensor(values(8 * 16 * 128, 1), [8, 16, 128]);
    const b = tf.tensor(values(8 * 128 * 128, 2), [8, 128, 128]);
    const step = () =>
      tf.tidy(() => {
        const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, false, true)))([
          a,
          tf.transpose(b, [0, 2, 1]),
        ]);
        return tf.add(tf.sum(g[0]), tf.sum(g[1]));
      });
    for (let i = 0; i < 10; i++) step().dispose();
    const tensors = tf.memory().numTensors;
    const ids = backend.numDataIds();
    const heap = backend.wasm.HEAPU8.length;
    for (let i = 0; i < 60; i++) step().dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
    // Each batched XNNPACK call packs a 128×128 weight block (64 KiB) per batch element:
    // had the temporary views (and the operators cached on them) leaked, 60 steps × 3 matMuls ×
    // 8 blocks would have grown the heap by ~90 MiB.
    expect(backend.wasm.HEAPU8.length).toBe(heap);
    tf.dispose([a, b]);
  });
});
