// Training speed of a BertForMaskedLM MLM step (forward + backward + clipping + AdamW; MLM head on
// the ~15% masked positions only) through @selfevo/trainer on the default backend (wasm), next to
// PyTorch's ../shared/bench/bench_torch.py --mlm-positions masked, all in one command; plus what
// issue #20's acceptance asks for: the step's matmul GFLOP/s as a fraction of the native GEMM's
// measured peak, the SE step ÷ vanilla MLM step ratio, inference rows and the goal summary.
//   npm run bench -w @selfevo/trainer -- [--configs tiny,mini,small] [--steps 3] [--warmup 1]
//        [--rounds 1] [--workers 2] [--levers mini] [--profile mini] [--no-torch]
//        [--python /usr/bin/python3] [--torch-script path] [--json-out file]
//        [--peak-sizes 512,1024] [--no-se] [--se-config mini] [--se-steps N]
//        [--no-inference] [--infer-config mini] [--infer-reps 5,30] [--infer-head masked|none|all]
// Before the configs: whether PyTorch imports (`python -c "import torch"`; when it does not, one
// line says how to install it) and the native GEMM's peak GFLOP/s on square fp32 products with 1
// thread and with the step's GEMM threads (gemm-peak.mjs). Per config and round, interleaved:
// PyTorch (its default 2 threads), ours on one process with the kernel fixes and the native GEMM
// (the default), ours data-parallel over `--workers` worker_threads at the same total batch. For the
// `--levers` configs also ours without the kernel fixes, with the fixes but XNNPACK's GEMM, with 1
// GEMM thread, and PyTorch on 1 thread; for the `--profile` configs a tf.profile of one step for each
// of the three kernel setups (kernels by share). After the configs: the SE step ratio on the
// `--se-config` (@selfevo/self-evolution-masking's se-step-bench.ts, spawned by path) and
// eval-mode forwards of the `--infer-config` model at B = 32 (tokens/s) and B = 1 (ms), ours
// (infer.mjs) and PyTorch's (torch_infer.py, 2 threads). The GFLOP/s use bench_torch.py's FLOP model
// (matmuls only, backward = 2 × forward, MLM head on the masked positions only).
// Each measurement runs in its own process on the built packages (dist/): plain Node.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CONFIGS } from './configs.mjs';
import {
  checkTorch,
  gemmPeak,
  inference,
  repoRoot,
  ours as runOurs,
  seRatio,
  torchStep,
} from './runners.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const flag = (name) => process.argv.includes(`--${name}`);
const list = (s) => (s ? s.split(',').filter(Boolean) : []);
const configs = list(arg('configs', 'tiny,mini,small'));
const steps = Number(arg('steps', '3'));
const warmup = Number(arg('warmup', '1'));
const rounds = Number(arg('rounds', '1'));
const workers = Number(arg('workers', '2'));
const leverConfigs = list(arg('levers', 'mini'));
const profileConfigs = list(arg('profile', 'mini'));
const torchScript = arg('torch-script', join(repoRoot, '..', 'shared', 'bench', 'bench_torch.py'));
const python = arg('python', '/usr/bin/python3');
const seConfig = flag('no-se') ? null : arg('se-config', 'mini');
const seSteps = Number(arg('se-steps', String(steps)));
const inferConfig = flag('no-inference') ? null : arg('infer-config', 'mini');
const inferReps = arg('infer-reps', '5,30');
const inferHead = arg('infer-head', 'masked');
const peakSizes = arg('peak-sizes', '512,1024');
for (const c of [...configs, seConfig, inferConfig].filter(Boolean))
  if (!CONFIGS[c]) throw new RangeError(`unknown bench config ${c} (${Object.keys(CONFIGS).join(', ')})`);
for (const [name, v] of [
  ['steps', steps],
  ['rounds', rounds],
  ['workers', workers],
  ['se-steps', seSteps],
])
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`--${name} must be a positive integer, got ${v}`);
if (!Number.isInteger(warmup) || warmup < 0)
  throw new RangeError(`--warmup must be an integer ≥ 0, got ${warmup}`);
if (!['masked', 'none', 'all'].includes(inferHead))
  throw new RangeError(`--infer-head must be masked, none or all, got ${inferHead}`);
const torchCheck = flag('no-torch') ? { ok: false, reason: '--no-torch' } : checkTorch(python, torchScript);
const torchOk = torchCheck.ok;
if (torchCheck.hint) console.log(torchCheck.hint);
const TORCH_THREADS = 2;

const ours = (config, variant, extra = []) => runOurs(config, variant, { workers, steps, warmup, extra });
const torch = (config, threads, matmul = false) =>
  torchOk ? torchStep(config, threads, { python, script: torchScript, steps, matmul }) : null;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : NaN;
};
const pct = (x) => `${(100 * x).toFixed(0)}%`;
const tok = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const ncpu = availableParallelism();
// With autogroup scheduling (Linux default for desktop/session setups) CPU time is shared between
// sessions, not threads: a process of this session gets at most its session's share, however many
// threads it runs. Own CPU share and tokens per CPU-second make runs comparable under that load.
let autogroup = 'unknown';
try {
  autogroup = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1' ? 'on' : 'off';
} catch {}
const cores = (r) => (r.ownCpuFrac ?? NaN) * ncpu;
const perCpuS = (r) => r.tokensPerSecMedian / cores(r);
/**
 * Contention probe: the CPU (in cores) that `threads` busy-looping worker threads of this process
 * get in `ms`. If 2 threads get no more than 1 thread, no thread-level parallelism (data-parallel
 * workers, PyTorch's threads) can speed anything up at this moment.
 */
async function spinProbe(threads, ms = 3000) {
  const code = `const { parentPort } = require('node:worker_threads'); const t = Date.now(); let x = 0;
    while (Date.now() - t < ${ms}) x += Math.sqrt(x + 1); parentPort.postMessage(x);`;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(code, { eval: true });
          w.once('message', () => w.terminate().then(resolve, reject));
          w.once('error', reject);
        }),
    ),
  );
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e3 / (performance.now() - t0);
}
async function probeLine(when) {
  const one = await spinProbe(1);
  const two = await spinProbe(2);
  const line = `contention probe (${when}): a busy loop gets ${one.toFixed(2)} cores on 1 thread, ${two.toFixed(2)} on 2 threads (load average ${load()})`;
  console.log(line);
  return line;
}
const started = new Date();
console.log(
  `# trainer bench ${started.toISOString()} | configs ${configs} | ${steps} timed steps after ${warmup} warm-up | ` +
    `${rounds} round(s) | ${workers} workers | ${ncpu} CPUs | autogroup scheduling ${autogroup} | load average ${load()}`,
);
const probes = [await probeLine('start')];
// The native GEMM's peak with 1 thread and with the threads a 1-process step uses (one per core, at
// most 4: @selfevo/backend-wasm's default in Node).
const stepGemmThreads = Math.max(1, Math.min(4, ncpu));
const peak = gemmPeak([...new Set([1, stepGemmThreads])], peakSizes);
const peakOf = (threads) => (peak.available ? peak.peak.find((p) => p.threads === threads) : undefined);
const stepPeak = peakOf(stepGemmThreads);
const gf = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const peakLine = peak.available
  ? `native GEMM peak (${peak.isa}, fp32 square products ${peakSizes}, best round): ` +
    peak.peak
      .map(
        (p) => `${gf(p.gflopsBest)} GFLOP/s on ${p.threads} thread${p.threads > 1 ? 's' : ''} (${p.size}³)`,
      )
      .join(', ') +
    (peak.foreignCpuFrac != null
      ? `; other processes used ${pct(peak.foreignCpuFrac)} of the CPUs meanwhile`
      : '')
  : `native GEMM peak: unavailable (${peak.reason})`;
console.log(peakLine);
const runs = []; // { config, kind, round, ...result }
for (const config of configs) {
  for (let round = 1; round <= rounds; round++) {
    const record = (kind, r) => {
      if (!r) return;
      runs.push({ config, kind, round, ...r });
      const other =
        r.foreignCpuFrac !== undefined
          ? ` | got ${cores(r).toFixed(2)} cores, other processes ${pct(r.foreignCpuFrac)} of the CPUs`
          : '';
      const extra = r.workerWaitMsMedian
        ? ` | waiting on workers ${r.workerWaitMsMedian.toFixed(0)} of ${r.msPerStepMedian.toFixed(0)} ms`
        : '';
      const gflops = r.achievedGflopsMedian ? ` | ${gf(r.achievedGflopsMedian)} GFLOP/s` : '';
      console.log(
        `${config.padEnd(5)} r${round} ${kind.padEnd(14)} ${tok(r.tokensPerSecMedian).padStart(6)} tok/s (best ${tok(r.tokensPerSecBest)})${gflops}${other}${extra} | load ${load()}`,
      );
    };
    const levers = leverConfigs.includes(config) && round === 1;
    const prof = profileConfigs.includes(config) && round === 1 ? ['--profile'] : [];
    // The first PyTorch run also measures PyTorch's own matmul peak (bench_torch.py's 1024³).
    record('pytorch-2t', torch(config, TORCH_THREADS, config === configs[0] && round === 1));
    record('ours-fix', ours(config, 'fix', prof));
    record(`ours-dp${workers}`, ours(config, 'dp'));
    if (levers) {
      record('pytorch-1t', torch(config, 1));
      record('ours-nofix', ours(config, 'nofix', prof));
      record('ours-xnnpack', ours(config, 'xnnpack', prof));
      record('ours-fix1t', ours(config, 'fix1t'));
      record('ours-nofused', ours(config, 'nofused'));
    }
  }
}

let se = null;
if (seConfig) {
  se = seRatio(CONFIGS[seConfig], { steps: seSteps, warmup: Math.max(1, warmup) });
  console.log(
    se.error
      ? `SE step bench failed: ${se.error}`
      : `SE step bench (${seConfig}): MLM step ${se.mlmStepSeconds.median.toFixed(3)} s, SE step ${se.seStepSeconds.median.toFixed(3)} s | load ${load()}`,
  );
}
let infer = null;
if (inferConfig) {
  infer = inference({
    config: inferConfig,
    batches: '32,1',
    reps: inferReps,
    head: inferHead,
    python,
    torchOk,
    torchScript,
    threads: TORCH_THREADS,
  });
  for (const [who, r] of [
    ['ours', infer.ours],
    ['pytorch-2t', infer.torch],
  ])
    if (r)
      console.log(
        r.error
          ? `inference ${who} failed: ${r.error}`
          : `inference ${inferConfig} ${who.padEnd(10)} ${r.results.map((x) => `B=${x.batch}: ${x.msMedian.toFixed(1)} ms, ${tok(x.tokensPerSecMedian)} tok/s`).join(' | ')} | load ${load()}`,
      );
}

probes.push(await probeLine('end'));
const lines = [];
const out = (s = '') => {
  lines.push(s);
  console.log(s);
};
const agg = (config, kind) => {
  const rs = runs.filter((r) => r.config === config && r.kind === kind);
  if (!rs.length) return null;
  return {
    median: median(rs.map((r) => r.tokensPerSecMedian)),
    best: Math.max(...rs.map((r) => r.tokensPerSecBest)),
    foreign: median(rs.map((r) => r.foreignCpuFrac ?? NaN)),
    cores: median(rs.map(cores)),
    gflopPerStep: median(rs.map((r) => r.gflopPerStep ?? NaN)),
    gflops: median(rs.map((r) => r.achievedGflopsMedian ?? NaN)),
    perCpuS: median(rs.map(perCpuS)),
  };
};
out();
out(
  `## Tokens/s (median over rounds of each run's median step; best = fastest step) — ${started.toISOString()}`,
);
out();
out(
  '| config | ours 1 process (fixes) | ours data-parallel ×' +
    workers +
    ' | PyTorch 2 threads | ratio 1 process ÷ PyTorch | ratio data-parallel ÷ PyTorch (median / best) | data-parallel ÷ 1 process |',
);
out('|---|---|---|---|---|---|---|');
for (const config of configs) {
  const f = agg(config, 'ours-fix');
  const d = agg(config, `ours-dp${workers}`);
  const t = agg(config, 'pytorch-2t');
  const r = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
  out(
    `| ${config} | ${tok(f?.median)} (best ${tok(f?.best)}) | ${tok(d?.median)} (best ${tok(d?.best)}) | ${tok(t?.median)} (best ${tok(t?.best)}) | ${r(f?.median, t?.median)} | ${r(d?.median, t?.median)} / ${r(d?.best, t?.best)} | ${r(d?.median, f?.median)} |`,
  );
}
out();
out('## CPU actually used during the timed steps, and tokens per CPU-second (median)');
out();
out(
  `| config | ours 1 process: cores, tok/CPU-s | ours data-parallel ×${workers}: cores, tok/CPU-s | PyTorch 2 threads: cores, tok/CPU-s | tok/CPU-s ours 1 process ÷ PyTorch | tok/CPU-s data-parallel ÷ 1 process |`,
);
out('|---|---|---|---|---|---|');
for (const config of configs) {
  const f = agg(config, 'ours-fix');
  const d = agg(config, `ours-dp${workers}`);
  const t = agg(config, 'pytorch-2t');
  const c = (x) => (x ? `${x.cores.toFixed(2)}, ${tok(x.perCpuS)}` : '—');
  const r = (a, b) => (a && b ? `${(a.perCpuS / b.perCpuS).toFixed(2)}×` : '—');
  out(`| ${config} | ${c(f)} | ${c(d)} | ${c(t)} | ${r(f, t)} | ${r(d, f)} |`);
}
out();
out(
  `## Matmul GFLOP/s of the step against the native GEMM's peak (bench_torch.py's FLOP model; median step)`,
);
out();
const torchMatmul = runs.find((r) => r.kind === 'pytorch-2t' && r.matmulGflopsBest)?.matmulGflopsBest;
out(
  peakLine +
    (torchMatmul
      ? `; PyTorch's own matmul (1024³, ${TORCH_THREADS} threads): ${gf(torchMatmul)} GFLOP/s`
      : ''),
);
out();
const ofPeak = (x) => (stepPeak && Number.isFinite(x) ? pct(x / stepPeak.gflopsBest) : '—');
out(
  `| config | GFLOP per step: ours (PyTorch's batch) | ours 1 process: GFLOP/s, of the ${stepGemmThreads}-thread peak | ` +
    `ours data-parallel ×${workers}: GFLOP/s, of peak | PyTorch ${TORCH_THREADS} threads: GFLOP/s, of peak |`,
);
out('|---|---|---|---|---|');
for (const config of configs) {
  const f = agg(config, 'ours-fix');
  const d = agg(config, `ours-dp${workers}`);
  const t = agg(config, 'pytorch-2t');
  const g = (x) => (x ? `${gf(x.gflops)}, ${ofPeak(x.gflops)}` : '—');
  const perStep = f?.gflopPerStep ?? d?.gflopPerStep;
  out(
    `| ${config} | ${perStep ? perStep.toFixed(2) : '—'} (${t ? t.gflopPerStep.toFixed(2) : '—'}) | ${g(f)} | ${g(d)} | ${g(t)} |`,
  );
}
for (const config of leverConfigs.filter((c) => configs.includes(c))) {
  const a = agg(config, 'ours-nofix');
  const b = agg(config, 'ours-xnnpack');
  const c = agg(config, 'ours-fix');
  const c1 = agg(config, 'ours-fix1t');
  const c0 = agg(config, 'ours-nofused');
  const d = agg(config, `ours-dp${workers}`);
  const t2 = agg(config, 'pytorch-2t');
  const t1 = agg(config, 'pytorch-1t');
  if (!a || !b || !c1 || !c || !d) continue;
  const lnTotal = Math.log(d.median / a.median);
  out();
  out(`## Levers on ${config} (round 1 runs for (a), (b), (c2) and PyTorch 1 thread; medians)`);
  out();
  out('| variant | tokens/s | ÷ PyTorch 2 threads | ÷ PyTorch 1 thread |');
  out('|---|---|---|---|');
  const row = (name, x) =>
    x &&
    out(
      `| ${name} | ${tok(x.median)} | ${t2 ? (x.median / t2.median).toFixed(2) : '—'}× | ${t1 ? (x.median / t1.median).toFixed(2) : '—'}× |`,
    );
  row('(a) wasm without kernel fixes, 1 process', a);
  row('(b) wasm kernel fixes, XNNPACK GEMM, 1 process', b);
  row('(c1) (b) with the native GEMM and fused kernels, 1 thread, 1 process', c1);
  row('(c0) (c) without the fused element-wise kernels (tfjs-op chains), 1 process', c0);
  row('(c) (c1) with one GEMM thread per core: the default in Node, 1 process', c);
  row(`(d) (c) + data parallel over ${workers} workers (1 GEMM thread each), same total batch`, d);
  if (t2) out(`| PyTorch, 2 threads | ${tok(t2.median)} | 1× | |`);
  if (t1) out(`| PyTorch, 1 thread | ${tok(t1.median)} | | 1× |`);
  out();
  const share = (x, y) => pct(Math.log(y.median / x.median) / lnTotal);
  out(
    `wasm kernel fixes (b÷a) ${(b.median / a.median).toFixed(2)}×, native GEMM + fused kernels (c1÷b) ` +
      `${(c1.median / b.median).toFixed(2)}×, GEMM threads (c÷c1) ${(c.median / c1.median).toFixed(2)}×, ` +
      `data parallelism (d÷c) ${(d.median / c.median).toFixed(2)}×, together (d÷a) ${(d.median / a.median).toFixed(2)}×; ` +
      `share of the total speed-up (log scale): kernel fixes ${share(a, b)}, native GEMM ${share(b, c1)}, ` +
      `GEMM threads ${share(c1, c)}, data parallelism ${share(c, d)}`,
  );
  if (c0)
    out(`fused element-wise kernels (c÷c0, both on the GEMM threads) ${(c.median / c0.median).toFixed(2)}×`);
}
for (const config of profileConfigs.filter((c) => configs.includes(c))) {
  const p = (kind) => runs.find((r) => r.config === config && r.kind === kind && r.profile)?.profile;
  const before = p('ours-nofix');
  const middle = p('ours-xnnpack');
  const after = p('ours-fix');
  if (!before && !middle && !after) continue;
  out();
  out(
    `## Where a ${config} step goes (tf.profile of one step, 1 process; leaf kernels by share of kernel time)`,
  );
  out();
  for (const [label, pr] of [
    ['without kernel fixes', before],
    ['with the wasm kernel fixes, XNNPACK GEMM', middle],
    ['with the kernel fixes and the native GEMM (default)', after],
  ]) {
    if (!pr) continue;
    out(
      `${label}: step ${pr.wallMs.toFixed(0)} ms wall under the profiler, kernels ${pr.kernelMs.toFixed(0)} ms ` +
        `(${pct(pr.kernelMs / pr.wallMs)}) in ${pr.kernels} kernel calls; the rest is JS (tape, dropout masks, uploads)`,
    );
    out();
    out('| kernel | ms | share |');
    out('|---|---|---|');
    const top = pr.byKernel.slice(0, 10);
    for (const k of top) out(`| ${k.name} | ${k.ms.toFixed(1)} | ${pct(k.ms / pr.kernelMs)} |`);
    const rest = pr.byKernel.slice(10).reduce((s, k) => s + k.ms, 0);
    if (rest > 0)
      out(`| (${pr.byKernel.length - 10} others) | ${rest.toFixed(1)} | ${pct(rest / pr.kernelMs)} |`);
    out();
    out('top kernel × input shapes:');
    for (const s of pr.topShapes)
      out(`- ${pct(s.ms / pr.kernelMs)} ${s.ms.toFixed(1)} ms ×${s.n} \`${s.key}\``);
    out();
  }
}
if (infer) {
  const c = CONFIGS[inferConfig];
  const at = (r, B) => (r && !r.error ? r.results.find((x) => x.batch === B) : undefined);
  const [o32, o1, t32, t1] = [at(infer.ours, 32), at(infer.ours, 1), at(infer.torch, 32), at(infer.torch, 1)];
  const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
  const tps = (x) => (x ? `${tok(x.tokensPerSecMedian)} tok/s` : '—');
  const ms = (x) => (x ? `${x.msMedian.toFixed(1)} ms` : '—');
  out();
  out(
    `## Inference: eval-mode forward (no dropout, no gradients) of the ${inferConfig} BertForMaskedLM, MLM head ` +
      `${inferHead === 'masked' ? 'at 15% of the positions' : inferHead === 'all' ? 'on every token' : 'left out (encoder only)'}; ` +
      `ours: model.forward in tf.tidy, ${infer.ours.gemm ?? 'default backend'}; PyTorch: torch.inference_mode(), ${TORCH_THREADS} threads; medians`,
  );
  out();
  out(`| inference (${inferConfig}, T=${c.T}) | ours | PyTorch ${TORCH_THREADS} threads | ours ÷ PyTorch |`);
  out('|---|---|---|---|');
  out(
    `| B=32 throughput | ${tps(o32)} | ${tps(t32)} | ${ratio(o32?.tokensPerSecMedian / t32?.tokensPerSecMedian)} |`,
  );
  out(
    `| B=1 latency | ${ms(o1)} | ${ms(t1)} | ${ratio(t1?.msMedian / o1?.msMedian)} (PyTorch ms ÷ ours ms: > 1 means ours is faster) |`,
  );
  for (const [who, r] of [
    ['ours', infer.ours],
    ['PyTorch', infer.torch],
  ])
    if (r?.error) out(`(${who} inference failed: ${r.error})`);
  if (!infer.torch) out(`(no PyTorch inference: ${torchCheck.reason})`);
}
out();
out(`## Summary: training tokens/s, ours ÷ PyTorch ${TORCH_THREADS} threads (medians)`);
out();
out(`| config | 1 process | data-parallel ×${workers} |`);
out('|---|---|---|');
const goals = [];
for (const config of configs) {
  const t = agg(config, 'pytorch-2t');
  const r = (x) => (x && t ? x.median / t.median : NaN);
  const one = r(agg(config, 'ours-fix'));
  const dp = r(agg(config, `ours-dp${workers}`));
  const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
  out(`| ${config} | ${x(one)} | ${x(dp)} |`);
  const better = Math.max(Number.isFinite(one) ? one : -1, Number.isFinite(dp) ? dp : -1);
  goals.push(
    `${config} ${better < 0 ? '— (no PyTorch run)' : `${better >= 1.5 ? 'met' : 'not met'} (${better.toFixed(2)}×)`}`,
  );
}
out();
out(
  `goal ≥ 1.5× on tiny, mini and small (the better of the two): ${goals.join(', ')}` +
    (torchOk ? '' : ` — no PyTorch baseline: ${torchCheck.reason}`),
);
if (se) {
  const c = CONFIGS[seConfig];
  out(
    se.error
      ? `SE step ÷ vanilla MLM step: — (se-step-bench failed: ${se.error})`
      : `SE step ÷ vanilla MLM step: ${se.seOverMlm.toFixed(2)}× (goal ≤ 1.35×): ${se.seOverMlm <= 1.35 ? 'met' : 'not met'} ` +
          `(${seConfig}: hidden ${c.H}, ${c.L} layers, ${c.A} heads, FFN ${c.F}, vocab ${c.V}, B ${c.B} × T ${c.T}, ` +
          `${se.maskedTokensPerStep} masked tokens; median of ${se.mlmStepSeconds.all.length} interleaved steps each: ` +
          `MLM ${se.mlmStepSeconds.median.toFixed(3)} s, SE ${se.seStepSeconds.median.toFixed(3)} s, of which the eval ` +
          `reference pass alone ${se.referencePassSeconds.median.toFixed(3)} s; self-evolution-masking's se-step-bench.ts)`,
  );
}
if (torchCheck.hint) out(torchCheck.hint);
// A PyTorch on the reference BLAS (Debian's libblas3 without OpenBLAS) runs its matmuls an order of
// magnitude below an optimized one: the ratios above would flatter us, so say so.
if (torchMatmul && stepPeak && torchMatmul < 0.25 * stepPeak.gflopsBest)
  out(
    `warning: PyTorch's own matmul reaches only ${gf(torchMatmul)} GFLOP/s, ${pct(torchMatmul / stepPeak.gflopsBest)} of ` +
      `the native GEMM's peak: its BLAS looks unoptimized (the reference libblas?), so the ratios above flatter us. ` +
      `npm run setup:bench installs OpenBLAS (Debian's libopenblas0-pthread) as root.`,
  );
out();
for (const p of probes) out(p);
out(`finished ${new Date().toISOString()}, load average ${load()}`);
const jsonOut = arg('json-out');
if (jsonOut)
  writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        started,
        argv: process.argv.slice(2),
        torch: torchCheck,
        gemmPeak: peak,
        probes,
        runs,
        se,
        inference: infer,
      },
      null,
      1,
    ),
  );
