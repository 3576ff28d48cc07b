// The native GEMM's peak on this machine: GFLOP/s of large square fp32 products C = A·B (no
// transposes, in place on one ArrayBuffer, as the wasm backend calls it on its heap) for each size
// and thread count asked, each in time-bounded rounds (best and median round); the peak per thread
// count is the best size. Prints one JSON line on stdout ({ available: false, reason } when the
// addon is not built or the CPU lacks AVX2). Run by bench.mjs:
//   node bench/gemm-peak.mjs [--sizes 512,1024] [--threads 1,2] [--rounds 5] [--round-ms 250]
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadNativeGemm, nativeGemmUnavailableReason } from '@selfevo/native-gemm';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const sizes = arg('sizes', '512,1024').split(',').map(Number);
const threadCounts = arg('threads', '1,2').split(',').map(Number);
const rounds = Number(arg('rounds', '5'));
const roundMs = Number(arg('round-ms', '250'));
for (const [name, v] of [
  ...sizes.map((x) => ['sizes', x]),
  ['rounds', rounds],
  ['round-ms', roundMs],
  ...threadCounts.map((t) => ['threads', t]),
])
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`--${name} must be a positive integer, got ${v}`);

/** Busy and total jiffies of the whole machine (undefined where /proc/stat is missing). */
function machineJiffies() {
  try {
    const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { busy: v.reduce((a, b) => a + b, 0) - v[3] - v[4], total: v.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

const g = loadNativeGemm();
if (!g) {
  process.stdout.write(`${JSON.stringify({ available: false, reason: nativeGemmUnavailableReason() })}\n`);
  process.exit(0);
}
const maxN = Math.max(...sizes);
const heap = new Float32Array(3 * maxN * maxN);
for (let i = 0; i < heap.length; i++) heap[i] = Math.sin(i);
const results = [];
const m0 = machineJiffies();
const c0 = process.cpuUsage();
const wall0 = performance.now();
for (const n of sizes) {
  const flops = 2 * n ** 3;
  for (const threads of threadCounts) {
    const p = { m: n, n, k: n, aOffset: 0, bOffset: n * n * 4, cOffset: 2 * n * n * 4, threads };
    for (let i = 0; i < 3; i++) g.gemm(heap.buffer, p); // warm-up (packing buffers, thread pool)
    const perCall = [];
    for (let r = 0; r < rounds; r++) {
      let reps = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < roundMs || reps < 2) {
        g.gemm(heap.buffer, p);
        reps++;
      }
      perCall.push((performance.now() - t0) / reps);
    }
    perCall.sort((a, b) => a - b);
    const med = perCall[Math.floor((perCall.length - 1) / 2)];
    results.push({
      size: n,
      threads,
      gflopsBest: flops / perCall[0] / 1e6,
      gflopsMedian: flops / med / 1e6,
      msPerCallBest: perCall[0],
    });
  }
}
// The share of the machine's CPU other processes used meanwhile (contention lowers the peak).
const m1 = machineJiffies();
const c1 = process.cpuUsage(c0);
const ownFrac = (c1.user + c1.system) / 1e3 / (performance.now() - wall0) / availableParallelism();
const foreignCpuFrac =
  m0 && m1 ? Math.max(0, (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total) - ownFrac) : null;
const peak = threadCounts.map((threads) =>
  results.filter((r) => r.threads === threads).reduce((a, b) => (b.gflopsBest > a.gflopsBest ? b : a)),
);
process.stdout.write(`${JSON.stringify({ available: true, isa: g.isa, peak, foreignCpuFrac, results })}\n`);
