/**
 * EXPERIMENT: does the wasm threads shim (bench/threads-shim.ts) beat one thread?
 * Runs three child processes in one command, one after the other: the stock SIMD build (1 thread),
 * the threaded build with 1 thread, and the threaded build with 2 threads — all with selfevo's
 * kernel fixes. Each measures matMul 1024³, inference (layer forward, B=1, T=128) and a training
 * step (forward+backward, B=8, T=128).
 *
 *   npm run bench:threads     (in packages/backend-wasm)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmBackend } from '../src/index.js';
import {
  H,
  layerLoss,
  layerOutput,
  makeParams,
  median,
  paddingMask,
  rand,
  registerGradients,
  T,
} from './layer.js';
import { registerThreadedWasmBackend } from './threads-shim.js';

type Row = { config: string; threads: number; matMulGflops: number; inferMs: number; trainMs: number };

function time(f: () => tf.Tensor | tf.Tensor[], n: number): number[] {
  tf.dispose(f());
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = f();
    ts.push(performance.now() - t0);
    tf.dispose(r);
  }
  return ts;
}

async function child(config: string): Promise<void> {
  await registerGradients();
  let threads = 1;
  if (config === 'stock-simd') {
    await registerWasmBackend();
    await tf.setBackend('wasm');
  } else {
    threads = await registerThreadedWasmBackend(config === 'threaded-2' ? 2 : 1);
  }
  const a = rand([1024, 1024], 1, 1);
  const b = rand([1024, 1024], 2, 1);
  const mm = Math.min(...time(() => tf.matMul(a, b), 8));
  const params = makeParams();
  const x1 = rand([1, T, H], 3, 1);
  const m1 = paddingMask(1, 0);
  const infer = median(time(() => tf.tidy(() => layerOutput(x1, m1, params)), 15));
  const x8 = rand([8, T, H], 4, 1);
  const m8 = paddingMask(8, 16);
  const train = median(
    time(
      () =>
        tf.tidy(() => {
          const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => layerLoss(x8, m8, p))(params);
          return [value, ...grads];
        }),
      5,
    ),
  );
  const row: Row = {
    config,
    threads,
    matMulGflops: (2 * 1024 ** 3) / (mm * 1e6),
    inferMs: infer,
    trainMs: train,
  };
  console.log(`ROW ${JSON.stringify(row)}`);
  process.exit(0); // idle pthread workers must not keep the process alive
}

function parent(): void {
  const rows: Row[] = [];
  for (const config of ['stock-simd', 'threaded-1', 'threaded-2']) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--child', config],
      {
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    const line = r.stdout.split('\n').find((l) => l.startsWith('ROW '));
    if (line == null) {
      console.log(`${config}: failed (exit ${r.status})\n${r.stderr.slice(-2000)}`);
      continue;
    }
    rows.push(JSON.parse(line.slice(4)) as Row);
  }
  console.log(
    'config        threads  matMul 1024³ GFLOP/s (best)  infer B=1 ms (median)  train step B=8 ms (median)',
  );
  for (const r of rows)
    console.log(
      `${r.config.padEnd(13)} ${String(r.threads).padStart(7)}  ${r.matMulGflops.toFixed(1).padStart(27)}  ${r.inferMs.toFixed(1).padStart(21)}  ${r.trainMs.toFixed(0).padStart(26)}`,
    );
  console.log(`RESULT ${JSON.stringify(rows)}`);
}

const i = process.argv.indexOf('--child');
if (i >= 0) await child(process.argv[i + 1]);
else parent();
