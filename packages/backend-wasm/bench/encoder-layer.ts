/**
 * Benchmark: one BERT encoder layer forward+backward on wasm, WITHOUT and WITH selfevo's kernel
 * fixes, in one process (the fixes are switched with unregister/registerWasmKernelFixes between
 * measurements), plus the batched matMul [32,128,64]×[32,64,128] old vs new, and where the step's
 * time goes by kernel (tf.profile) before/after.
 *
 *   npm run bench                     (in packages/backend-wasm; or `npm run bench` at the root)
 *   BENCH_STEPS=5 npm run bench       (timed steps per configuration; default 3 old / 8 new)
 *
 * The machine is shared and noisy: compare the ratios printed here, measured in one run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmBackend, registerWasmKernelFixes, unregisterWasmKernelFixes } from '../src/index.js';
import {
  FFN,
  H,
  HEADS,
  layerLoss,
  makeParams,
  median,
  paddingMask,
  rand,
  registerGradients,
  T,
} from './layer.js';

const B = 8;

async function main(): Promise<void> {
  await registerGradients();
  await registerWasmBackend();
  await tf.setBackend('wasm');
  console.log(`tfjs ${tf.version_core}, backend ${tf.getBackend()}, node ${process.version}`);

  const x = rand([B, T, H], 1, 1);
  // Last 16 positions of every sequence are padding.
  const maskBias = paddingMask(B, 16);
  const params = makeParams();
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => layerLoss(x, maskBias, p))(params);
      return [value, ...grads];
    });

  const env = Number(process.env.BENCH_STEPS);
  const stepsOld = Number.isFinite(env) && env > 0 ? env : 3;
  const stepsNew = Number.isFinite(env) && env > 0 ? env : 8;

  const measure = (label: string, n: number) => {
    tf.dispose(step()); // warm-up (XNNPACK packs weights, heap grows)
    const times: number[] = [];
    let out: tf.Tensor[] = [];
    for (let i = 0; i < n; i++) {
      tf.dispose(out);
      const t0 = performance.now();
      out = step();
      tf.backend().readSync(out[0].dataId); // wasm is synchronous; read to be sure
      times.push(performance.now() - t0);
    }
    const vals = out.map((t) => Float32Array.from(t.dataSync() as Float32Array));
    tf.dispose(out);
    const ms = median(times);
    const best = Math.min(...times);
    console.log(
      `${label}: ${ms.toFixed(0)} ms/step median, ${best.toFixed(0)} best (${n} steps: ${times.map((t) => t.toFixed(0)).join(', ')})`,
    );
    return { ms, best, vals };
  };

  const profileShares = async (label: string) => {
    const info = await tf.profile(() => tf.dispose(step()));
    const byKernel = new Map<string, number>();
    let total = 0;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
      total += ms;
    }
    const rows = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`  kernel shares ${label} (sum of kernel times ${total.toFixed(0)} ms):`);
    for (const [name, ms] of rows)
      console.log(
        `    ${name.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %`,
      );
    return Object.fromEntries(rows.map(([n, ms]) => [n, +((100 * ms) / total).toFixed(1)]));
  };

  console.log(`\nEncoder layer fwd+bwd, B=${B} T=${T} H=${H} heads=${HEADS} FFN=${FFN}`);
  unregisterWasmKernelFixes();
  const old = measure('  without fixes (tfjs-backend-wasm 4.22 kernels)', stepsOld);
  const sharesOld = await profileShares('without fixes');
  registerWasmKernelFixes();
  const fixed = measure('  with fixes (selfevo BatchMatMul, Slice, ...)    ', stepsNew);
  const sharesNew = await profileShares('with fixes');
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < old.vals.length; i++) {
    for (let j = 0; j < old.vals[i].length; j++) {
      maxDiff = Math.max(maxDiff, Math.abs(old.vals[i][j] - fixed.vals[i][j]));
      maxAbs = Math.max(maxAbs, Math.abs(old.vals[i][j]));
    }
  }
  const ratio = old.ms / fixed.ms;
  console.log(
    `  speed-up: ${ratio.toFixed(2)}x (median), ${(old.best / fixed.best).toFixed(2)}x (best); loss+gradients max |old - new| = ${maxDiff.toExponential(2)} (max |value| ${maxAbs.toExponential(2)})`,
  );

  console.log('\nBatched matMul [32,128,64] x [32,64,128]');
  const a = rand([32, 128, 64], 7, 1);
  const b = rand([32, 64, 128], 8, 1);
  const bt = tf.transpose(b, [0, 2, 1]);
  const at = tf.transpose(a, [0, 2, 1]);
  const timeMatMul = (f: () => tf.Tensor, n: number) => {
    tf.dispose(f());
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = f();
      ts.push(performance.now() - t0);
      r.dispose();
    }
    return median(ts);
  };
  const mm: Record<string, { old: number; new: number }> = {};
  for (const [name, f] of [
    ['a x b', () => tf.matMul(a, b)],
    ['a x (bT, transposeB)', () => tf.matMul(a, bt, false, true)],
    ['(aT, transposeA) x b', () => tf.matMul(at, b, true, false)],
  ] as const) {
    unregisterWasmKernelFixes();
    const tOld = timeMatMul(f, 7);
    registerWasmKernelFixes();
    const tNew = timeMatMul(f, 21);
    mm[name] = { old: +tOld.toFixed(1), new: +tNew.toFixed(1) };
    const gflops = (ms: number) => ((2 * 32 * 128 * 64 * 128) / (ms * 1e6)).toFixed(1);
    console.log(
      `  ${name.padEnd(22)} old ${tOld.toFixed(1)} ms (${gflops(tOld)} GFLOP/s)  new ${tNew.toFixed(1)} ms (${gflops(tNew)} GFLOP/s)  ${(tOld / tNew).toFixed(1)}x`,
    );
  }
  unregisterWasmKernelFixes();
  const unstackOld = timeMatMul(() => tf.tidy(() => tf.addN(tf.unstack(a))), 7);
  registerWasmKernelFixes();
  const unstackNew = timeMatMul(() => tf.tidy(() => tf.addN(tf.unstack(a))), 21);
  console.log(
    `\nunstack [32,128,64] (+ addN): old ${unstackOld.toFixed(1)} ms  new ${unstackNew.toFixed(1)} ms  ${(unstackOld / unstackNew).toFixed(1)}x`,
  );
  tf.dispose([a, b, at, bt, x, maskBias, ...params]);
  console.log(
    `\nRESULT ${JSON.stringify({ layerMsOld: Math.round(old.ms), layerMsNew: Math.round(fixed.ms), ratio: +ratio.toFixed(2), layerBestMsOld: Math.round(old.best), layerBestMsNew: Math.round(fixed.best), batchedMatMul: mm, unstack: { old: +unstackOld.toFixed(1), new: +unstackNew.toFixed(1) }, sharesOld, sharesNew })}`,
  );
}

await main();
