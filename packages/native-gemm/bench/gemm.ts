/**
 * GFLOP/s of the native GEMM (1 and 2 threads, transposed and not) on the encoder's shapes, next
 * to XNNPACK's GEMM inside tfjs-backend-wasm (stock 2-D matMul, no transposes, the one case that
 * reaches XNNPACK) in the same process, plus exp/erf/tanh and AdamW element rates.
 *   npm run bench -w @selfevo/native-gemm
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadNativeGemm, nativeGemmUnavailableReason } from '../src/index.js';

const g = loadNativeGemm();
if (!g) {
  console.log(`native GEMM unavailable: ${nativeGemmUnavailableReason()}`);
  process.exit(0);
}

function timeIt(f: () => void, minMs = 300): number {
  f(); // warm-up
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    f();
    reps++;
  }
  return (performance.now() - t0) / reps;
}

const shapes: [number, number, number, boolean, boolean, string][] = [
  [2048, 1024, 256, false, true, 'FFN up, forward (x·Wᵀ)'],
  [2048, 256, 1024, false, false, 'FFN down, input grad (dy·W)'],
  [1024, 256, 2048, true, false, 'FFN down, weight grad (dyᵀ·x)'],
  [312, 16384, 256, false, true, 'MLM decoder, forward'],
  [128, 128, 64, false, true, 'attention scores, one head'],
];

await tf.setBackend('wasm');
console.log(`native isa ${g.isa}; tfjs ${tf.version_core} wasm (SIMD, 1 thread)`);
console.log(
  '| shape (m×n×k) | what | native 1 thread | native 2 threads | XNNPACK (wasm) | native 1t ÷ XNNPACK |',
);
console.log('|---|---|---|---|---|---|');
for (const [m, n, k, tA, tB, what] of shapes) {
  const flops = 2 * m * n * k;
  const heap = new Float32Array(m * k + k * n + m * n);
  for (let i = 0; i < m * k + k * n; i++) heap[i] = Math.sin(i);
  const p = { m, n, k, aOffset: 0, transA: tA, bOffset: m * k * 4, transB: tB, cOffset: (m * k + k * n) * 4 };
  const one = timeIt(() => g.gemm(heap, { ...p, threads: 1 }));
  const two = timeIt(() => g.gemm(heap, { ...p, threads: 2 }));
  const a = tf.tensor2d(heap.subarray(0, m * k), [m, k]);
  const b = tf.tensor2d(heap.subarray(m * k, m * k + k * n), [k, n]);
  const xnn = timeIt(() => tf.matMul(a, b).dispose());
  tf.dispose([a, b]);
  const gf = (ms: number) => (flops / ms / 1e6).toFixed(1);
  console.log(
    `| ${m}×${n}×${k}${tA ? ' tA' : ''}${tB ? ' tB' : ''} | ${what} | ${gf(one)} | ${gf(two)} | ${gf(xnn)} | ${(xnn / one).toFixed(1)}× |`,
  );
}

const n = 1 << 22;
const buf = new Float32Array(8 * n);
for (let i = 0; i < 4 * n; i++) buf[i] = Math.sin(i) * (i >= 3 * n ? 1e-3 : 1);
if (g.unary) {
  for (const op of ['exp', 'erf', 'tanh'] as const) {
    const ms = timeIt(() => g.unary!.apply(buf.buffer, op, 0, 4 * n * 4, n));
    const x = tf.tensor1d(buf.subarray(0, n));
    const f = op === 'exp' ? tf.exp : op === 'erf' ? tf.erf : tf.tanh;
    const wasm = timeIt(() => f(x).dispose());
    x.dispose();
    console.log(
      `${op}: native ${((ms * 1e6) / n).toFixed(2)} ns/element, tfjs-wasm ${((wasm * 1e6) / n).toFixed(2)} (${(wasm / ms).toFixed(1)}×)`,
    );
  }
} else console.log(`exp/erf/tanh: ${g.unaryUnavailableReason}`);
const adamMs = timeIt(() =>
  g.adamw(
    buf.buffer,
    0,
    4 * n,
    8 * n,
    12 * n,
    16 * n,
    20 * n,
    24 * n,
    n,
    1e-3,
    0.9,
    0.999,
    0.03,
    1e-8,
    0.99999,
    1,
    1,
  ),
);
console.log(
  `AdamW: ${((adamMs * 1e6) / n).toFixed(2)} ns/parameter (${n} parameters in ${adamMs.toFixed(1)} ms)`,
);
