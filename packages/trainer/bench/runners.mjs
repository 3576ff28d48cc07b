// The trainer bench's measurements that run in child processes, each printing one JSON line: ours
// (run-variant.mjs, infer.mjs), the native GEMM's peak (gemm-peak.mjs), PyTorch (bench_torch.py,
// torch_infer.py) and the SE step ratio (@selfevo/self-evolution-masking's se-step-bench.ts, spawned
// by path: the trainer does not depend on that package). Used by bench.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const repoRoot = join(here, '..', '..', '..');

/** The last line of `text` that starts with `{`, parsed. */
function lastJson(text) {
  const line = text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) throw new Error('no JSON line in the output');
  return JSON.parse(line);
}
/** One line on why a child failed: timed out, killed by a signal, or its error's first line. */
const firstLine = (e) =>
  e?.code === 'ETIMEDOUT'
    ? `timed out (${e.signal ?? 'killed'}): ${String(e.message).split('\n')[0]}`
    : e?.signal
      ? `killed by ${e.signal}: ${String(e.message).split('\n')[0]}`
      : String(e?.message ?? e).split('\n')[0];
/**
 * The longest any child may run (ms), so that a hung one (a deadlocked native thread pool) fails
 * the measurement instead of hanging the bench; `SELFEVO_BENCH_CHILD_TIMEOUT_S` overrides it.
 */
const childTimeoutMs = 1000 * Number(process.env.SELFEVO_BENCH_CHILD_TIMEOUT_S || 1800);
if (!(childTimeoutMs > 0)) throw new RangeError('SELFEVO_BENCH_CHILD_TIMEOUT_S must be a positive number');
const TORCH_ENV = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };

/**
 * Whether the PyTorch baseline can run: the script exists, `python` starts and `import torch`
 * works. `{ ok: true, version }` or `{ ok: false, reason, hint }` (hint: one line saying how to
 * install it).
 */
export function checkTorch(python, script) {
  if (!existsSync(script))
    return {
      ok: false,
      reason: `the baseline script ${script} is missing`,
      hint: `PyTorch baseline skipped: ${script} is missing — it lives in ../shared/bench/ beside the repository (bench_torch.py and torch_bert.py); point --torch-script at it, or pass --no-torch.`,
    };
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const why = r.error
    ? `${python} could not be run (${r.error.code ?? firstLine(r.error)})`
    : r.status !== 0
      ? `\`${python} -c "import torch"\` failed: ${(r.stderr || '').trim().split('\n').pop() || `exit ${r.status}`}`
      : null;
  if (!why) return { ok: true, version: r.stdout.trim() };
  return {
    ok: false,
    reason: why,
    hint:
      `PyTorch baseline skipped: ${why}. Install it (Debian, as root): npm run setup:bench, or apt-get update && apt-get install python3-torch ` +
      '— the bench runs it with /usr/bin/python3 (--python <interpreter> for another one, --no-torch to skip PyTorch).',
  };
}

/** One measured variant of our training step (run-variant.mjs). */
export function ours(config, variant, { workers, steps, warmup, extra = [] }) {
  const out = execFileSync(
    process.execPath,
    [
      join(here, 'run-variant.mjs'),
      ...['--config', config, '--variant', variant, '--workers', String(workers)],
      ...['--steps', String(steps), '--warmup', String(warmup), ...extra],
    ],
    { timeout: childTimeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
  );
  return lastJson(out);
}

/**
 * PyTorch's training step on `config` (bench_torch.py --mlm-positions masked), or null when it
 * fails. `matmul`: also its own 1024³ matmul peak (bench_torch.py's matmul_peak).
 */
export function torchStep(config, threads, { python, script, steps, matmul = false }) {
  try {
    const out = execFileSync(
      python,
      [
        script,
        ...['--mlm-positions', 'masked', '--fwd-only-reps', '0', '--configs', config],
        ...['--steps', String(Math.max(3, steps)), ...(matmul ? [] : ['--no-matmul'])],
        ...(threads ? ['--threads', String(threads)] : []),
      ],
      { env: TORCH_ENV, timeout: childTimeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const res = lastJson(out);
    const r = res.results.find((x) => x.name === config);
    return {
      threads: res.torch_num_threads ?? threads,
      tokensPerSecMedian: r.tokens_per_s_median,
      tokensPerSecBest: r.tokens_per_s_best,
      msPerStepMedian: r.ms_per_step_median,
      gflopPerStep: r.gflop_per_step,
      achievedGflopsMedian: r.achieved_gflops_median,
      matmulGflopsBest: res.matmul?.gflops_best,
      foreignCpuFrac: r.foreign_cpu_frac_during_steps,
      ownCpuFrac: r.own_cpu_frac_during_steps,
    };
  } catch (e) {
    console.error(`PyTorch baseline failed on ${config}: ${firstLine(e)}`);
    return null;
  }
}

/** The native GEMM's peak GFLOP/s (gemm-peak.mjs) for each thread count, or { available: false }. */
export function gemmPeak(threads, sizes) {
  try {
    const out = execFileSync(
      process.execPath,
      [join(here, 'gemm-peak.mjs'), '--threads', threads.join(','), '--sizes', sizes],
      { timeout: Math.min(childTimeoutMs, 300_000), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return lastJson(out);
  } catch (e) {
    return { available: false, reason: firstLine(e) };
  }
}

/**
 * SE training step ÷ vanilla MLM step on the same model and batches: se-step-bench.ts of
 * @selfevo/self-evolution-masking (run from its TypeScript source with tsx), on bench config `c`.
 */
export function seRatio(c, { steps, warmup }) {
  const pkg = join(repoRoot, 'packages', 'self-evolution-masking');
  const script = join(pkg, 'bench', 'se-step-bench.ts');
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  if (!existsSync(script) || !existsSync(tsx))
    return { error: `${existsSync(script) ? tsx : script} is missing` };
  try {
    const out = execFileSync(
      tsx,
      [
        script,
        ...['--hidden', c.H, '--layers', c.L, '--heads', c.A, '--ffn', c.F, '--vocab', c.V],
        ...['--seq', c.T, '--batch', c.B, '--steps', steps, '--warmup', warmup, '--score-batches', 0],
      ].map(String),
      {
        cwd: pkg,
        timeout: childTimeoutMs,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 26,
      },
    );
    return lastJson(out);
  } catch (e) {
    return { error: firstLine(e) };
  }
}

/** Inference forwards: ours (infer.mjs) and PyTorch's (torch_infer.py, null without torch). */
export function inference({ config, batches, reps, head, python, torchOk, torchScript, threads }) {
  const common = ['--config', config, '--batches', batches, '--reps', reps, '--head', head];
  let mine;
  try {
    mine = lastJson(
      execFileSync(process.execPath, [join(here, 'infer.mjs'), ...common], {
        timeout: childTimeoutMs,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
  } catch (e) {
    mine = { error: firstLine(e) };
  }
  let theirs = null;
  if (torchOk) {
    try {
      theirs = lastJson(
        execFileSync(
          python,
          [
            join(here, 'torch_infer.py'),
            ...['--bench-dir', dirname(torchScript), '--threads', String(threads), ...common],
          ],
          { env: TORCH_ENV, timeout: childTimeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        ),
      );
    } catch (e) {
      theirs = { error: firstLine(e) };
    }
  }
  return { ours: mine, torch: theirs };
}
