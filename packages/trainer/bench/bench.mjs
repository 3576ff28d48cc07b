// Training speed of a BertForMaskedLM MLM step (forward + backward + clipping + AdamW; MLM head on
// the ~15% masked positions only) through @selfevo/trainer on the default backend (wasm), next to
// PyTorch's ../shared/bench/bench_torch.py --mlm-positions masked, all in one command.
//   npm run bench -w @selfevo/trainer -- [--configs tiny,mini,small] [--steps 3] [--warmup 1]
//        [--rounds 1] [--workers 2] [--levers mini] [--profile mini] [--no-torch]
//        [--python /usr/bin/python3] [--torch-script path] [--json-out file]
// Per config and round, interleaved: PyTorch (its default 2 threads), ours on one process with the
// kernel fixes and the native GEMM (the default), ours data-parallel over `--workers` worker_threads
// at the same total batch. For the `--levers` configs also ours without the kernel fixes, with the
// fixes but XNNPACK's GEMM, with 2 GEMM threads, and PyTorch on 1 thread; for the `--profile`
// configs a tf.profile of one step for each of the three kernel setups (kernels by share).
// Each of ours runs in its own process (run-variant.mjs) on the built package (dist/): plain Node.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..', '..', '..');
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
const torchOk = !flag('no-torch') && existsSync(python) && existsSync(torchScript);
if (!flag('no-torch') && !torchOk) console.error(`PyTorch baseline unavailable (${python}, ${torchScript})`);

function ours(config, variant, extra = []) {
  const out = execFileSync(
    process.execPath,
    [
      join(here, 'run-variant.mjs'),
      '--config',
      config,
      '--variant',
      variant,
      '--workers',
      String(workers),
      '--steps',
      String(steps),
      '--warmup',
      String(warmup),
      ...extra,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

function torch(config, threads) {
  if (!torchOk) return null;
  try {
    const out = execFileSync(
      python,
      [
        torchScript,
        '--mlm-positions',
        'masked',
        '--no-matmul',
        '--fwd-only-reps',
        '0',
        '--configs',
        config,
        '--steps',
        String(Math.max(3, steps)),
        ...(threads ? ['--threads', String(threads)] : []),
      ],
      {
        env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const res = JSON.parse(
      out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop(),
    );
    const r = res.results.find((x) => x.name === config);
    return {
      threads: res.torch_num_threads ?? threads,
      tokensPerSecMedian: r.tokens_per_s_median,
      tokensPerSecBest: r.tokens_per_s_best,
      foreignCpuFrac: r.foreign_cpu_frac_during_steps,
      ownCpuFrac: r.own_cpu_frac_during_steps,
    };
  } catch (e) {
    console.error(`PyTorch baseline failed: ${String(e.message).split('\n')[0]}`);
    return null;
  }
}

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
      console.log(
        `${config.padEnd(5)} r${round} ${kind.padEnd(14)} ${tok(r.tokensPerSecMedian).padStart(6)} tok/s (best ${tok(r.tokensPerSecBest)})${other}${extra} | load ${load()}`,
      );
    };
    const levers = leverConfigs.includes(config) && round === 1;
    const prof = profileConfigs.includes(config) && round === 1 ? ['--profile'] : [];
    record('pytorch-2t', torch(config, 2));
    record('ours-fix', ours(config, 'fix', prof));
    record(`ours-dp${workers}`, ours(config, 'dp'));
    if (levers) {
      record('pytorch-1t', torch(config, 1));
      record('ours-nofix', ours(config, 'nofix', prof));
      record('ours-xnnpack', ours(config, 'xnnpack', prof));
      record('ours-fix1t', ours(config, 'fix1t'));
    }
  }
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
  const r = (a, b) => (a && b ? (a / b).toFixed(2) : '—');
  out(
    `| ${config} | ${tok(f?.median)} (best ${tok(f?.best)}) | ${tok(d?.median)} (best ${tok(d?.best)}) | ${tok(t?.median)} (best ${tok(t?.best)}) | ${r(f?.median, t?.median)}× | ${r(d?.median, t?.median)}× / ${r(d?.best, t?.best)}× | ${r(d?.median, f?.median)}× |`,
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
for (const config of leverConfigs.filter((c) => configs.includes(c))) {
  const a = agg(config, 'ours-nofix');
  const b = agg(config, 'ours-xnnpack');
  const c = agg(config, 'ours-fix');
  const c1 = agg(config, 'ours-fix1t');
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
for (const p of probes) out(p);
out(`finished ${new Date().toISOString()}, load average ${load()}`);
const jsonOut = arg('json-out');
if (jsonOut)
  writeFileSync(jsonOut, JSON.stringify({ started, argv: process.argv.slice(2), probes, runs }, null, 1));
