// One MLM training step (forward + backward + AdamW; MLM head on the 15% masked positions only)
// in tokens/s, on wasm and cpu, next to PyTorch's bench_torch.py run in the same command.
//   npm run bench -- [--configs tiny,mini,small] [--backends wasm,cpu] [--cpu-configs tiny]
//                    [--steps 5] [--no-torch] [--profile] [--python /usr/bin/python3] [--torch-script path]
// Plain JS on the built package (dist/), run by plain Node: the way users load it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '@selfevo/backend';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  BertForMaskedLM,
  clipByGlobalNorm,
  makeConfig,
  SeededRandom,
  sampleMaskedPositions,
  valueAndGrads,
} from '../dist/index.js';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const CONFIGS = {
  tiny: { H: 128, L: 2, A: 2, F: 512, V: 8192, T: 128, B: 32 },
  mini: { H: 256, L: 4, A: 4, F: 1024, V: 16384, T: 128, B: 16 },
  small: { H: 512, L: 4, A: 8, F: 2048, V: 30522, T: 128, B: 8 },
};
function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const flag = (name) => process.argv.includes(`--${name}`);
const configs = arg('configs', 'tiny,mini,small').split(',');
const backends = arg('backends', 'wasm,cpu').split(',');
const cpuConfigs = arg('cpu-configs', 'tiny').split(',');
const steps = Number(arg('steps', '5'));
const warmup = Number(arg('warmup', '1'));
function makeStep(name) {
  const c = CONFIGS[name];
  const config = makeConfig({
    vocabSize: c.V,
    hiddenSize: c.H,
    numHiddenLayers: c.L,
    numAttentionHeads: c.A,
    intermediateSize: c.F,
    maxPositionEmbeddings: 512,
    hiddenDropoutProb: 0.1,
    attentionProbsDropoutProb: 0.1,
  });
  const model = new BertForMaskedLM(config, { seed: 1 });
  model.setTraining(true);
  const params = model.namedParameters();
  const opt = new AdamW(params, { lr: 1e-4 });
  const rng = new SeededRandom(2);
  const ids = Int32Array.from({ length: c.B * c.T }, () => 5 + rng.nextInt(c.V - 5));
  const pos = sampleMaskedPositions(c.B, c.T, 0.15, rng);
  const labels = Array.from(pos, (p) => ids[p]);
  for (const p of pos) ids[p] = 4;
  const step = () => {
    const { grads } = valueAndGrads(params, () =>
      crossEntropyAtPositions(
        model.forward({ inputIds: { data: ids, shape: [c.B, c.T] } }, pos).logits,
        labels,
      ),
    );
    const clipped = clipByGlobalNorm(grads, 1);
    opt.step(clipped.grads);
    tf.dispose([...Object.values(grads), ...Object.values(clipped.grads)]);
  };
  const dispose = () => {
    opt.dispose();
    model.dispose();
  };
  return { step, dispose, tokens: c.B * c.T };
}
async function runOurs(backend, name) {
  await useBackend(backend);
  const { step, dispose, tokens } = makeStep(name);
  for (let i = 0; i < warmup; i++) step();
  const n = backend === 'cpu' ? Math.max(1, Math.min(steps, 2)) : steps;
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  let profile;
  if (flag('profile')) {
    const w0 = performance.now();
    const info = await tf.profile(() => step());
    const wall = performance.now() - w0;
    // Ops run inside a custom gradient show up both as a scope ("unnamed scope", "*__op") and as
    // the kernels inside it: count leaf kernels only, so shares add up to the kernel time.
    const leaf = info.kernels.filter((k) => !/__op$|scope/.test(k.name));
    const by = new Map();
    let total = 0;
    for (const k of leaf) {
      const ms = Number(k.kernelTimeMs) || 0;
      const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('×')}`;
      const e = by.get(key) ?? { ms: 0, n: 0 };
      e.ms += ms;
      e.n += 1;
      by.set(key, e);
      total += ms;
    }
    const byKernel = new Map();
    for (const k of leaf) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (Number(k.kernelTimeMs) || 0));
    const top = [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(arg('profile-top', '15')));
    const topK = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 10);
    profile = [
      `  profiled step ${wall.toFixed(0)} ms wall; leaf kernels ${total.toFixed(0)} ms (${((100 * total) / wall).toFixed(0)}%) in ${leaf.length} kernels; the rest is JS (tape, dropout masks, uploads). By kernel:`,
      ...topK.map(
        ([k, ms]) =>
          `    ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${ms.toFixed(1).padStart(8)} ms  ${k}`,
      ),
      '  top kernel × shapes:',
      ...top.map(
        ([k, e]) =>
          `    ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${e.ms.toFixed(1).padStart(8)} ms  ×${e.n}  ${k}`,
      ),
    ].join('\n');
  }
  dispose();
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  const best = times[0];
  return {
    msPerStep: med,
    tokensPerSec: (tokens * 1e3) / med,
    bestTokensPerSec: (tokens * 1e3) / best,
    profile,
  };
}
function runTorch(names) {
  const script = arg('torch-script', join(repoRoot, '..', 'shared', 'bench', 'bench_torch.py'));
  const python = arg('python', '/usr/bin/python3');
  if (flag('no-torch') || !existsSync(python) || !existsSync(script)) return {};
  try {
    const out = execFileSync(
      python,
      [
        script,
        '--mlm-positions',
        'masked',
        '--no-matmul',
        '--configs',
        names.join(','),
        '--steps',
        String(Math.max(3, steps)),
      ],
      {
        env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line =
      out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop() ?? '{}';
    const res = JSON.parse(line);
    const found = {};
    for (const r of res.results ?? [])
      found[r.name] = {
        median: r.tokens_per_s_median,
        best: r.tokens_per_s_best,
        foreign: r.foreign_cpu_frac_during_steps,
      };
    return found;
  } catch (e) {
    console.error(`PyTorch baseline failed: ${e.message.split('\n')[0]}`);
    return {};
  }
}

// The machine is shared: PyTorch runs right before each of our runs (interleaved), and both the
// median and the best step are reported; the best-vs-best ratio is the least contention-sensitive.
const rows = [];
const fmt = (x) => x.toFixed(0).padStart(6);
for (const name of configs) {
  for (const backend of backends) {
    if (backend === 'cpu' && !cpuConfigs.includes(name)) {
      rows.push(
        `${backend.padEnd(5)} ${name.padEnd(6)} skipped (cpu is ~30× slower than wasm; --cpu-configs to add)`,
      );
      continue;
    }
    const t = runTorch([name])[name];
    const r = await runOurs(backend, name);
    rows.push(
      `${backend.padEnd(5)} ${name.padEnd(6)} ours ${fmt(r.tokensPerSec)} tok/s (best ${fmt(r.bestTokensPerSec)})` +
        (t
          ? ` | PyTorch ${fmt(t.median)} (best ${fmt(t.best)}, foreign cpu ${(100 * t.foreign).toFixed(0)}%)` +
            ` | ratio median ${(r.tokensPerSec / t.median).toFixed(3)}× best ${(r.bestTokensPerSec / t.best).toFixed(3)}×`
          : ''),
    );
    console.log(rows[rows.length - 1]);
    if (r.profile) console.log(r.profile);
  }
}
console.log('\nsummary (tokens/s, ours ÷ PyTorch, same command, interleaved):');
for (const r of rows) console.log(r);
