/** Results of the SE grid: JSON, the Markdown table (mean ± std over seeds) and the curves. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@selfevo/encoder-model';
import { loadPacked } from '@selfevo/mlm-pretraining';
import { loadSelectionMap } from '@selfevo/self-evolution-masking/node';
import { readJsonlLog } from '@selfevo/trainer';
import { type ArmPoint, plotArmCurves } from '@selfevo/training-plots';

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function readJson<T>(path: string): Promise<T | null> {
  if (!existsSync(path)) return null;
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Sample mean and sample standard deviation (n − 1); std is NaN for one value. */
export function meanStd(xs: readonly number[]): { mean: number; std: number; n: number } {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { mean, std, n };
}

const fmt = (m: { mean: number; std: number; n: number }, digits: number, scale = 1) =>
  m.n === 0
    ? '—'
    : `${(m.mean * scale).toFixed(digits)} ± ${Number.isNaN(m.std) ? '—' : (m.std * scale).toFixed(digits)}${m.n < 3 ? ` (n=${m.n})` : ''}`;

interface Arm {
  key: string;
  label: string;
}

interface RunResult {
  heldOut: { loss: number; accuracy: number; numMasked: number; fingerprint: string } | null;
  budget: { maskedTokens: number; rows: number; fallbackRows: number };
  medianStepMs: number | null;
  steps: number;
}

/** One fine-tuning result file: `<work>/finetune/<model>/seed-<s>/<TASK>.json` with `{ score, ... }`. */
interface FinetuneResult {
  task: string;
  score: number;
  majority: number;
  topPredictionShare?: number;
}

/**
 * What SE stage 1 picked, against the tokens it could pick: the share of selected tokens among the
 * 100 most frequent pieces of the base rows, the same share over all maskable tokens, and the most
 * often selected pieces.
 */
export async function selectionProfile(work: string): Promise<Record<string, unknown> | null> {
  const selPath = join(work, 'se-selection.jsonl');
  if (!existsSync(selPath)) return null;
  const vocab = (await readFile(join(work, 'vocab.txt'), 'utf8')).split('\n');
  const special = new Set([0, 1, 2, 3, 4]);
  const freq = new Map<number, number>();
  for (const id of (await loadPacked(join(work, 'base-rows.bin'))).packed.ids)
    if (!special.has(id)) freq.set(id, (freq.get(id) ?? 0) + 1);
  // Reference: cross-entropy of the held-out content tokens under the base rows' unigram
  // distribution (add-one smoothing over the vocabulary): what a frequency-only model would score.
  let total = 0;
  for (const n of freq.values()) total += n;
  const V = vocab.filter((t) => t !== '').length;
  let nll = 0;
  let count = 0;
  for (const id of (await loadPacked(join(work, 'held-out-rows.bin'))).packed.ids)
    if (!special.has(id)) {
      nll -= Math.log(((freq.get(id) ?? 0) + 1) / (total + V));
      count++;
    }
  const top100 = new Set(
    [...freq]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 100)
      .map(([id]) => id),
  );
  const rows = (await loadPacked(join(work, 'arm-rows.bin'))).packed;
  const sel = await loadSelectionMap(selPath);
  let all = 0;
  let allTop = 0;
  let chosen = 0;
  let chosenTop = 0;
  const picked = new Map<number, number>();
  for (let r = 0; r < rows.count; r++) {
    const row = rows.ids.subarray(r * rows.seqLength, (r + 1) * rows.seqLength);
    for (const id of row)
      if (!special.has(id)) {
        all++;
        if (top100.has(id)) allTop++;
      }
    for (const t of sel.get(r) ?? []) {
      chosen++;
      if (top100.has(row[t])) chosenTop++;
      picked.set(row[t], (picked.get(row[t]) ?? 0) + 1);
    }
  }
  return {
    heldOutUnigramNll: nll / count,
    maskableTokens: all,
    selectedTokens: chosen,
    top100ShareAmongAll: allTop / all,
    top100ShareAmongSelected: chosenTop / chosen,
    mostSelected: [...picked]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 15)
      .map(([id, n]) => `${vocab[id]} ×${n}`),
  };
}

export async function writeReport(o: {
  work: string;
  results: string;
  arms: Arm[];
  seeds: number[];
  settings: Record<string, unknown>;
}): Promise<void> {
  const tasks = ['RTE', 'CB', 'COPA', 'WiC'];
  const rows: Record<string, unknown>[] = [];
  const points: ArmPoint[] = [];
  const base = await readJson<{ loss: number; accuracy: number; fingerprint: string }>(
    join(o.work, 'base-held-out.json'),
  );
  const fingerprints = new Set<string>();
  if (base) fingerprints.add(base.fingerprint);
  const modelRows: {
    key: string;
    label: string;
    runs: (RunResult | null)[];
    ft: Record<string, number[]>;
    share: Record<string, number[]>;
    rec: Record<string, number[]>;
    majority: Record<string, number>;
  }[] = [];
  const majority: Record<string, number> = {};
  const recMajority: Record<string, number> = {};
  for (const model of [{ key: 'base', label: 'base (no continued training)' }, ...o.arms]) {
    const runs: (RunResult | null)[] = [];
    const ft: Record<string, number[]> = Object.fromEntries(tasks.map((t) => [t, []]));
    const share: Record<string, number[]> = Object.fromEntries(tasks.map((t) => [t, []]));
    const rec: Record<string, number[]> = Object.fromEntries(tasks.map((t) => [t, []]));
    for (const seed of o.seeds) {
      const run =
        model.key === 'base'
          ? null
          : await readJson<RunResult>(join(o.work, 'arms', model.key, `seed-${seed}`, 'result.json'));
      runs.push(run);
      if (run?.heldOut) fingerprints.add(run.heldOut.fingerprint);
      if (model.key !== 'base' && existsSync(join(o.work, 'arms', model.key, `seed-${seed}`, 'log.jsonl'))) {
        const log = await readJsonlLog(join(o.work, 'arms', model.key, `seed-${seed}`, 'log.jsonl'));
        for (const r of log) {
          if (r.type === 'eval' && typeof r.eval_loss === 'number') {
            points.push({
              arm: model.label,
              seed,
              step: r.step,
              metric: 'held-out MLM loss',
              value: r.eval_loss,
            });
            points.push({
              arm: model.label,
              seed,
              step: r.step,
              metric: 'held-out MLM accuracy',
              value: r.eval_accuracy as number,
            });
          }
          if (r.type === 'train' && typeof r.loss === 'number')
            points.push({
              arm: model.label,
              seed,
              step: r.step,
              metric: 'training loss (own objective)',
              value: r.loss,
            });
        }
      }
      for (const t of tasks) {
        const f = await readJson<FinetuneResult>(
          join(o.work, 'finetune', model.key, `seed-${seed}`, `${t}.json`),
        );
        if (f) {
          ft[t].push(f.score);
          if (typeof f.topPredictionShare === 'number') share[t].push(f.topPredictionShare);
          majority[t] = f.majority;
        }
        const g = await readJson<FinetuneResult>(
          join(o.work, 'finetune-recipes', model.key, `seed-${seed}`, `${t}.json`),
        );
        if (g && Number.isFinite(g.score)) {
          rec[t].push(g.score);
          recMajority[t] = g.majority;
        }
      }
    }
    modelRows.push({ key: model.key, label: model.label, runs, ft, share, rec, majority });
  }
  if (base)
    for (const arm of o.arms)
      for (const seed of o.seeds) {
        points.push({ arm: arm.label, seed, step: 0, metric: 'held-out MLM loss', value: base.loss });
        points.push({ arm: arm.label, seed, step: 0, metric: 'held-out MLM accuracy', value: base.accuracy });
      }

  const head = `| model | held-out MLM loss ↓ | held-out MLM acc (%) ↑ | masked train tokens | step (ms) | ${tasks.map((t) => `${t} dev acc (%)`).join(' | ')} | avg (%) |`;
  const sep = `|${'---|'.repeat(6 + tasks.length)}`;
  const lines = [head, sep];
  for (const m of modelRows) {
    const done = m.runs.filter((r): r is RunResult => !!r?.heldOut);
    const loss =
      m.key === 'base'
        ? base
          ? { mean: base.loss, std: Number.NaN, n: 1 }
          : meanStd([])
        : meanStd(done.map((r) => r.heldOut!.loss));
    const acc =
      m.key === 'base'
        ? base
          ? { mean: base.accuracy, std: Number.NaN, n: 1 }
          : meanStd([])
        : meanStd(done.map((r) => r.heldOut!.accuracy));
    const budget = meanStd(done.map((r) => r.budget.maskedTokens));
    const step = meanStd(done.map((r) => r.medianStepMs ?? Number.NaN).filter(Number.isFinite));
    const perSeedAvg: number[] = [];
    for (let i = 0; i < o.seeds.length; i++) {
      const xs = tasks.map((t) => m.ft[t][i]);
      if (xs.every((x) => typeof x === 'number')) perSeedAvg.push(xs.reduce((s, x) => s + x, 0) / xs.length);
    }
    lines.push(
      `| ${m.label} | ${m.key === 'base' ? (base ? base.loss.toFixed(4) : '—') : fmt(loss, 4)} | ${m.key === 'base' ? (base ? (100 * base.accuracy).toFixed(2) : '—') : fmt(acc, 2, 100)} | ${m.key === 'base' ? '—' : budget.n ? Math.round(budget.mean).toString() : '—'} | ${m.key === 'base' ? '—' : step.n ? step.mean.toFixed(0) : '—'} | ${tasks.map((t) => fmt(meanStd(m.ft[t]), 1, 100)).join(' | ')} | ${fmt(meanStd(perSeedAvg), 1, 100)} |`,
    );
    rows.push({
      model: m.key,
      label: m.label,
      heldOutLoss: loss,
      heldOutAccuracy: acc,
      maskedTrainTokens: budget,
      medianStepMs: step,
      perSeed: m.runs,
      finetune: Object.fromEntries(tasks.map((t) => [t, { scores: m.ft[t], ...meanStd(m.ft[t]) }])),
      finetuneAverage: { perSeed: perSeedAvg, ...meanStd(perSeedAvg) },
      /** Share of dev predictions in the most predicted class, per task and seed (1 = constant predictor). */
      topPredictionShare: m.share,
    });
  }
  lines.push(
    `| train-majority class, on val | | | | | ${tasks.map((t) => (majority[t] === undefined ? '—' : (100 * majority[t]).toFixed(1))).join(' | ')} | |`,
  );
  const recLines = [
    `| model | ${tasks.map((t) => `${t} dev ${t === 'CB' ? '(acc+F1)/2' : 'acc'} (%)`).join(' | ')} | avg (%) |`,
    `|${'---|'.repeat(2 + tasks.length)}`,
  ];
  for (const m of modelRows) {
    const perSeed: number[] = [];
    for (let i = 0; i < o.seeds.length; i++) {
      const xs = tasks.map((t) => m.rec[t][i]);
      if (xs.every((x) => typeof x === 'number')) perSeed.push(xs.reduce((a, x) => a + x, 0) / xs.length);
    }
    recLines.push(
      `| ${m.label} | ${tasks.map((t) => fmt(meanStd(m.rec[t]), 1, 100)).join(' | ')} | ${fmt(meanStd(perSeed), 1, 100)} |`,
    );
    const row = rows.find((r) => r.model === m.key);
    if (row)
      row.finetuneRecipes = {
        ...Object.fromEntries(tasks.map((t) => [t, { scores: m.rec[t], ...meanStd(m.rec[t]) }])),
        average: { perSeed, ...meanStd(perSeed) },
      };
  }
  recLines.push(
    `| train-majority class, on val | ${tasks.map((t) => (recMajority[t] === undefined ? '—' : (100 * recMajority[t]).toFixed(1))).join(' | ')} | |`,
  );
  const table = `${lines.join('\n')}\n\nDownstream through the shared recipes (\`@selfevo/superglue-finetuning\` \`finetuneTask\`, same sizes, best of ≤ 2 epochs on dev):\n\n${recLines.join('\n')}`;
  await writeFileAtomic(join(o.results, 'table.md'), `${table}\n`);
  await writeJson(join(o.results, 'results.json'), {
    heldOutFingerprints: [...fingerprints],
    stage1: await readJson(join(o.work, 'stage1.json')),
    selectionProfile: await selectionProfile(o.work),
    vocab: await readJson(join(o.work, 'vocab-report.json')),
    base: { heldOut: base, result: await readJson(join(o.work, 'base', 'result.json')) },
    rows,
    settings: o.settings,
  });
  if (points.length)
    await plotArmCurves(points, o.results, {
      name: 'se-grid-curves',
      title: 'SE grid: continued training from the base checkpoint (mean over seeds; points = seeds)',
    });
}
