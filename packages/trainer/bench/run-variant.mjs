// One measured variant of the MLM training step, in its own process (fresh tfjs heap), through
// the trainer's own loop (`train()`: micro-batches, gradient averaging, clipping, AdamW, and for
// `dp` the data-parallel worker pool). Prints one JSON line on stdout. Run by bench.mjs:
//   node bench/run-variant.mjs --config mini --variant nofix|fix|dp [--workers 2]
//        [--steps 4] [--warmup 1] [--profile]
//   nofix:   wasm, tfjs-backend-wasm's own kernels (the fixes unregistered, XNNPACK GEMM), one process
//   xnnpack: wasm with @selfevo/backend-wasm's kernel fixes but XNNPACK's GEMM (no native GEMM)
//   fix1t:   wasm with the kernel fixes and the native GEMM on 1 thread, one process
//   fix:     the default in Node: as fix1t with one GEMM thread per core (at most 4), one process
//   nofused: as fix, but the encoder's ops as tfjs-op chains (setFusedKernels(false)): the fused
//            LayerNorm / GELU / softmax / dropout / column-sum kernels' share
//   dp:      the default + `dataParallel: { workers }`, B/workers sequences per worker (1 GEMM
//            thread each, the default in a worker thread)
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { useBackend } from '@selfevo/backend';
import {
  registerWasmBackend,
  unregisterWasmKernelFixes,
  wasmGemmInfo,
  wasmKernelFixesActive,
} from '@selfevo/backend-wasm';
import { AdamW, clipByGlobalNorm, SeededRandom, setFusedKernels } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { computeGradients, GradientWorkerPool, train } from '../dist/index.js';
import { configOf, makeBatches, makeModel, matmulFlops, mlmLoss } from './mlm-step.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const configName = arg('config', 'mini');
const variant = arg('variant', 'fix');
const workers = variant === 'dp' ? Number(arg('workers', '2')) : 1;
const steps = Number(arg('steps', '4'));
const warmup = Math.max(1, Number(arg('warmup', '1')));
const profile = process.argv.includes('--profile');
process.env.SELFEVO_BENCH_CONFIG = configName; // read by the workers' createReplica
const c = configOf(configName);

await useBackend('wasm');
if (variant === 'nofix' || variant === 'xnnpack') await registerWasmBackend({ nativeGemm: false });
if (variant === 'fix1t') await registerWasmBackend({ gemmThreads: 1 });
if (variant === 'nofix') unregisterWasmKernelFixes();
if (variant === 'nofused') setFusedKernels(false);
const fixes = wasmKernelFixesActive();
const gemm = wasmGemmInfo();

/** Busy and total jiffies of the whole machine (for the share of CPU used by other processes). */
function machineJiffies() {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = v[3] + v[4];
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const model = makeModel(c, 1);
const params = model.namedParameters();
const optimizer = new AdamW(params, { lr: 1e-4, weightDecay: 0.01 });
const batches = makeBatches(c, workers);
const source = {
  batchesPerEpoch: batches.length,
  *epochBatches() {
    yield* batches;
  },
};

// Time spent waiting for the workers' gradients (copies and transfer included), per step.
const computeMs = [];
const origCompute = GradientWorkerPool.prototype.compute;
GradientWorkerPool.prototype.compute = async function (...a) {
  const t0 = performance.now();
  try {
    return await origCompute.apply(this, a);
  } finally {
    computeMs.push(performance.now() - t0);
  }
};

const totalSteps = warmup + steps;
const stamps = [];
const losses = [];
let meterStart = null;
let meterEnd = null;
const meter = () => ({ m: machineJiffies(), cpu: process.cpuUsage(), t: performance.now() });
await train({
  model,
  lossFn: mlmLoss, // (dropout draws from model.rng: the trainer's default rng)
  trainData: source,
  optimizer,
  maxSteps: totalSteps,
  gradientAccumulationSteps: batches.length,
  maxGradNorm: 1,
  progress: 'none',
  logEverySteps: totalSteps,
  seed: 7,
  dataParallel:
    variant === 'dp' ? { workers, workerModule: new URL('./mlm-step.mjs', import.meta.url) } : undefined,
  callbacks: [
    {
      onStepEnd: ({ step, loss }) => {
        stamps.push(performance.now());
        losses.push(loss);
        if (step === warmup) meterStart = meter();
        if (step === totalSteps) meterEnd = meter();
      },
    },
  ],
});
const times = stamps.slice(warmup).map((s, i) => s - stamps[warmup - 1 + i]);
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor((sorted.length - 1) / 2)];
const tokens = c.B * c.T;
const wallS = (meterEnd.t - meterStart.t) / 1e3;
const ownCpuS = (meterEnd.cpu.user - meterStart.cpu.user + meterEnd.cpu.system - meterStart.cpu.system) / 1e6;
const busyFrac = (meterEnd.m.busy - meterStart.m.busy) / Math.max(1, meterEnd.m.total - meterStart.m.total);
const ncpu = availableParallelism();
const ownFrac = ownCpuS / (wallS * ncpu);
const timedCompute = computeMs.slice(warmup);
// bench_torch.py's FLOP model on this batch (the MLM head on its masked positions only).
const maskedPositions = batches.reduce((n, b) => n + b.pos.length, 0);
const flops = matmulFlops(c, maskedPositions / tokens).total;
const result = {
  config: configName,
  variant,
  workers,
  kernelFixes: fixes,
  gemm: gemm.native ? `native ${gemm.isa} ×${gemm.threads}` : `XNNPACK (${gemm.reason})`,
  tokensPerStep: tokens,
  stepMs: times,
  msPerStepMedian: median,
  tokensPerSecMedian: (tokens * 1e3) / median,
  tokensPerSecBest: (tokens * 1e3) / sorted[0],
  maskedPositions,
  gflopPerStep: flops / 1e9,
  achievedGflopsMedian: flops / median / 1e6,
  losses,
  ownCpuFrac: ownFrac,
  foreignCpuFrac: Math.max(0, busyFrac - ownFrac),
  workerWaitMsMedian: timedCompute.length
    ? [...timedCompute].sort((a, b) => a - b)[Math.floor((timedCompute.length - 1) / 2)]
    : null,
};

if (profile) {
  // One more step, the same work as the trainer's (computeGradients + clip + AdamW), under
  // tf.profile. Kernels run inside a custom gradient appear as a scope and as the kernels inside
  // it: only leaf kernels are counted, so the shares add up to the kernel time.
  const [batch] = makeBatches(c, 1);
  const rng = new SeededRandom(11);
  const w0 = performance.now();
  const info = await tf.profile(() => {
    const { grads } = computeGradients(model, mlmLoss, batch, { rng, step: totalSteps + 1 });
    const clipped = clipByGlobalNorm(grads, 1);
    optimizer.step(clipped.grads);
    tf.dispose([...Object.values(grads), ...Object.values(clipped.grads)]);
  });
  const wallMs = performance.now() - w0;
  const leaf = info.kernels.filter((k) => !/__op$|scope/.test(k.name));
  const byName = new Map();
  const byShape = new Map();
  let kernelMs = 0;
  for (const k of leaf) {
    const ms = Number(k.kernelTimeMs) || 0;
    kernelMs += ms;
    byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('×')}`;
    const e = byShape.get(key) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n++;
    byShape.set(key, e);
  }
  result.profile = {
    wallMs,
    kernelMs,
    kernels: leaf.length,
    byKernel: [...byName].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms })),
    topShapes: [...byShape]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 8)
      .map(([key, e]) => ({ key, ms: e.ms, n: e.n })),
  };
}
optimizer.dispose();
model.dispose();
process.stdout.write(`${JSON.stringify(result)}\n`);
