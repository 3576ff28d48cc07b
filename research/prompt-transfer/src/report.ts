// results.json, table.md and the plots of the prompt-transfer experiment, from the finished runs.
import { join } from 'node:path';
import { spotBestOfTopK } from '@selfevo/prompt-transfer';
import { renderVegaLite, writePlotFiles } from '@selfevo/training-plots';
import { writeFileAtomic } from '@selfevo/utils/node';
import type { ExperimentOptions } from './options.js';
import type { SourceSimilarity } from './similarity.js';
import { meanStd, pm, spearman } from './stats.js';
import type { RunResult } from './task-runs.js';

export interface SimilarityRecord extends SourceSimilarity {
  seed: number;
  target: string;
  /** 1 = the most similar source (SPoT ranking). */
  rank: number;
}

export const METHODS = ['scratch', 'spot', 'spot-mix', 'spot-best-of-k', 'panda', 'finetune'] as const;
const METHOD_LABEL: Record<(typeof METHODS)[number], string> = {
  scratch: 'prompt tuning (scratch)',
  spot: 'SPoT init (top-1 source)',
  'spot-mix': 'SPoT init (top-k mix)',
  'spot-best-of-k': 'SPoT best of top-k †',
  panda: 'PANDA (KD from top-1)',
  finetune: 'full fine-tuning',
};
const SIMS = ['cosineOfAverage', 'averageCosine', 'activation'] as const;
/** Spearman's ρ critical values, one-sided α = 0.05, by the number of points (exact tables). */
const SPEARMAN_CRITICAL: Record<number, number> = { 4: 1, 5: 0.9, 6: 0.829, 7: 0.714, 8: 0.643 };

/** Score of every (method, target, seed); spot / best-of-k derived from the transfer runs and the ranking. */
async function scoreTable(o: ExperimentOptions, runs: RunResult[], sims: SimilarityRecord[]) {
  const table = new Map<string, number>(); // `${method}|${target}|${seed}`
  const key = (m: string, t: string, s: number) => `${m}|${t}|${s}`;
  for (const r of runs)
    if (r.method !== 'transfer' && o.targets.includes(r.task))
      table.set(key(r.method, r.task, r.seed), r.score);
  for (const target of o.targets)
    for (const seed of o.seeds) {
      const ranking = sims
        .filter((x) => x.target === target && x.seed === seed)
        .sort((a, b) => a.rank - b.rank)
        .map((x) => ({ name: x.source as string, similarity: x.cosineOfAverage }));
      const transfer = (src: string) =>
        runs.find((r) => r.method === 'transfer' && r.task === target && r.seed === seed && r.source === src);
      if (ranking.length === 0 || !transfer(ranking[0]!.name)) continue;
      table.set(key('spot', target, seed), transfer(ranking[0]!.name)!.score);
      const k = Math.min(o.topK, ranking.length);
      if (ranking.slice(0, k).every((r) => transfer(r.name))) {
        const best = await spotBestOfTopK(ranking, {
          topK: k,
          run: (s) => transfer(s.name)!,
          score: (r) => r.score,
        });
        table.set(key('spot-best-of-k', target, seed), best.best.score);
      }
    }
  return { get: (m: string, t: string, s: number) => table.get(key(m, t, s)) };
}

const pts = (x: { mean: number; std: number; n: number }) =>
  Number.isFinite(x.mean) ? `${x.mean >= 0 ? '+' : ''}${pm(x).replace(/^-/, '−')}` : '—';

export async function writeReport(
  o: ExperimentOptions,
  runs: RunResult[],
  sims: SimilarityRecord[],
  meta: Record<string, unknown>,
): Promise<void> {
  const scores = await scoreTable(o, runs, sims);
  // controlled experiment: the known relatedness of each source to each target
  const known = (meta.controlled as { relatedness?: Record<string, Record<string, number>> } | undefined)
    ?.relatedness;
  const methods = METHODS.filter((m) => !(o.controlled && m === 'finetune'));
  const seedsOf = (m: string, t: string) =>
    o.seeds.map((s) => scores.get(m, t, s)).filter((x): x is number => x !== undefined);
  const lines: string[] = [];
  lines.push(
    o.controlled
      ? '# Prompt transfer, controlled experiment: corpus tasks of known relatedness (val accuracy)'
      : '# Prompt transfer on SuperGLUE (val)',
    '',
  );
  lines.push(
    `Backbone \`${o.model}\`; ${o.promptMode === 'prefix' ? 'deep prompts (prefixes)' : 'input-level prompts'} of length ${o.promptLength}; ` +
      `${o.epochs} epochs, batch ${o.batchSize}, lr ${o.lr}; seeds ${o.seeds.join(', ')}${o.quick ? ' (**--quick preset**: tiny caps, not a result)' : ''}. ` +
      (o.controlled
        ? `Targets learn from ${o.fewShot} lines (${o.epochs} epochs), sources from ${o.maxTrain} (${o.sourceEpochs} epochs); val ${o.maxVal} balanced lines per task; scores are val accuracy in %, `
        : 'Scores are val task scores in % (CB: mean of accuracy and macro-F1), ') +
      'mean ± sample std over seeds.',
    '',
  );
  // the majority class on the same val records (the fine-tuning runs record it)
  const majority = (t: string) => {
    const m = runs.find((r) => r.method === 'finetune' && r.task === t)?.extra?.valMajority;
    return typeof m === 'number' ? (100 * m).toFixed(1) : '—';
  };
  const majorityCol = o.finetune ? ' majority class |' : '';
  lines.push(`| target |${majorityCol} ${methods.map((m) => METHOD_LABEL[m]).join(' | ')} |`);
  lines.push(`|---|${o.finetune ? '---|' : ''}${methods.map(() => '---').join('|')}|`);
  for (const t of o.targets)
    lines.push(
      `| ${t} |${o.finetune ? ` ${majority(t)} |` : ''} ${methods.map((m) => pm(meanStd(seedsOf(m, t)))).join(' | ')} |`,
    );
  lines.push(
    '',
    `† best of the top-${o.topK} sources chosen on val, then reported on val: optimistic (an extra selection on the evaluation set).`,
    '',
  );
  lines.push('## Paired differences (same seed), percentage points', '');
  const pairs: [string, string][] = [
    ['spot', 'scratch'],
    ['spot-mix', 'scratch'],
    ['panda', 'scratch'],
    ['panda', 'spot'],
    ['finetune', 'scratch'],
  ].filter(([a]) => methods.includes(a as (typeof METHODS)[number])) as [string, string][];
  lines.push(`| target | ${pairs.map(([a, b]) => `${a} − ${b}`).join(' | ')} |`);
  lines.push(`|---|${pairs.map(() => '---').join('|')}|`);
  const diffs: Record<string, Record<string, number[]>> = {};
  for (const t of o.targets) {
    const cells = pairs.map(([a, b]) => {
      const d = o.seeds
        .map((s) => [scores.get(a, t, s), scores.get(b, t, s)] as const)
        .filter(([x, y]) => x !== undefined && y !== undefined)
        .map(([x, y]) => x! - y!);
      (diffs[t] ??= {})[`${a}-${b}`] = d;
      const wins = d.filter((x) => x > 0).length;
      return d.length ? `${pts(meanStd(d))} (${wins}/${d.length} better)` : '—';
    });
    lines.push(`| ${t} | ${cells.join(' | ')} |`);
  }
  // transfer gain per source and the rank correlation with similarity
  const gains: { seed: number; target: string; source: string; gain: number; sim: SimilarityRecord }[] = [];
  for (const r of runs) {
    if (r.method !== 'transfer' || !r.source) continue;
    const base = scores.get('scratch', r.task, r.seed);
    const sim = sims.find((x) => x.seed === r.seed && x.target === r.task && x.source === r.source);
    if (base !== undefined && sim)
      gains.push({ seed: r.seed, target: r.task, source: r.source, gain: r.score - base, sim });
  }
  lines.push(
    '',
    '## Sources: similarity to the target and transfer gain (SPoT init from that source − scratch)',
    '',
  );
  const knownCol = known ? ' known relatedness |' : '';
  lines.push(
    `| target | source |${knownCol} SPoT cos-of-avg | SPoT avg-cos | PANDA activation | transfer score | gain (pp) |`,
  );
  lines.push(`|---|---|${known ? '---|' : ''}---|---|---|---|---|`);
  for (const t of o.targets)
    for (const src of o.sources.filter((s) => s !== t)) {
      const g = gains.filter((x) => x.target === t && x.source === src);
      if (g.length === 0) continue;
      const f = (k: (typeof SIMS)[number]) => meanStd(g.map((x) => x.sim[k])).mean.toFixed(3);
      const score = runs
        .filter((r) => r.method === 'transfer' && r.task === t && r.source === src)
        .map((r) => r.score);
      lines.push(
        `| ${t} | ${src} |${known ? ` ${known[t]?.[src]?.toFixed(2) ?? '—'} |` : ''} ${f('cosineOfAverage')} | ${f('averageCosine')} | ${f('activation')} | ${pm(meanStd(score))} | ${pts(meanStd(g.map((x) => x.gain)))} |`,
      );
    }
  const rho: Record<string, Record<string, number>> = {};
  const nSources = o.sources.filter((s) => s !== o.targets[0]).length;
  lines.push(
    '',
    "## Does similarity predict the gain? Spearman's ρ (similarity vs gain over the sources)",
    '',
  );
  // controlled: the known relatedness is one more "similarity" (does transfer follow it?)
  const keys = [...SIMS, ...(known ? (['known'] as const) : [])];
  const simOf = (x: (typeof gains)[number], k: (typeof keys)[number]) =>
    k === 'known' ? (known?.[x.target]?.[x.source] ?? Number.NaN) : x.sim[k];
  lines.push(`| target | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`);
  for (const t of [...o.targets, 'pooled']) {
    const cells = keys.map((k) => {
      // per target: ρ within each seed, averaged; pooled: one ρ over every (target, source, seed) point
      const v =
        t === 'pooled'
          ? spearman(
              gains.map((x) => simOf(x, k)),
              gains.map((x) => x.gain),
            )
          : meanStd(
              o.seeds
                .map((s) => gains.filter((x) => x.target === t && x.seed === s))
                .filter((g) => g.length >= 3)
                .map((g) =>
                  spearman(
                    g.map((x) => simOf(x, k)),
                    g.map((x) => x.gain),
                  ),
                )
                .filter(Number.isFinite),
            ).mean;
      (rho[t] ??= {})[k] = v;
      return Number.isFinite(v) ? v.toFixed(2) : '—';
    });
    lines.push(`| ${t} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    `Per target: ρ over its ${nSources} sources within a seed, mean over seeds; pooled: one ρ over all points ` +
      `(gains of different targets mixed, so it also reflects which targets gain at all). With ${nSources} sources a single ρ is very noisy` +
      (SPEARMAN_CRITICAL[nSources] !== undefined
        ? ` (one-sided 5% critical value ${SPEARMAN_CRITICAL[nSources]!.toFixed(3)}: ${nSources === 4 ? 'only ρ = 1 is significant' : 'smaller values are not significant'}).`
        : '.') +
      (known
        ? ' `known`: the relatedness built into the tasks (2·label agreement − 1 on the target’s val lines).'
        : ''),
    '',
    `Model selection: every run keeps its best epoch on val and reports that val score (the same for all methods). ` +
      `SPoT ranks sources by the cosine of the average token of the task embeddings (each task's prompt after ${o.embeddingStep} steps from scratch). ` +
      `PANDA: λ ${o.pandaLambda !== undefined ? `= ${o.pandaLambda}` : o.pandaC !== undefined ? `= ${o.pandaC}·(activation similarity of source and target)` : '= 0.01 (released)'}, KD ${o.pandaKd}, teacher in ${o.teacherMode} mode; ` +
      'the teacher is the top-1 source prompt tuned on the target (the SPoT run).',
    '',
  );
  await writeFileAtomic(join(o.out, 'table.md'), lines.join('\n'));
  await writeFileAtomic(
    join(o.out, 'results.json'),
    `${JSON.stringify({ ...meta, settings: o, runs, similarities: sims, differences: diffs, spearman: rho }, null, 2)}\n`,
  );
  await writePlots(o, scores, gains, methods);
}

async function writePlots(
  o: ExperimentOptions,
  scores: Awaited<ReturnType<typeof scoreTable>>,
  gains: { seed: number; target: string; source: string; gain: number; sim: SimilarityRecord }[],
  shown: readonly (typeof METHODS)[number][],
): Promise<void> {
  const points = o.targets.flatMap((t) =>
    shown.flatMap((m) =>
      o.seeds.flatMap((s) => {
        const v = scores.get(m, t, s);
        return v === undefined
          ? []
          : [{ target: t, method: METHOD_LABEL[m], order: METHODS.indexOf(m), seed: s, score: 100 * v }];
      }),
    ),
  );
  if (points.length === 0) return;
  const methods = await renderVegaLite({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: points },
    facet: { column: { field: 'target', type: 'nominal', title: null } },
    spec: {
      width: 150,
      height: 220,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: {
              field: 'method',
              type: 'nominal',
              sort: { field: 'order' },
              axis: { labelAngle: -45, labelLimit: 240 },
              title: null,
            },
            y: { aggregate: 'mean', field: 'score', type: 'quantitative', title: 'val score (%)' },
            color: { field: 'method', type: 'nominal', sort: { field: 'order' }, legend: null },
          },
        },
        {
          mark: { type: 'errorbar', extent: 'stdev' },
          encoding: {
            x: { field: 'method', type: 'nominal', sort: { field: 'order' } },
            y: { field: 'score', type: 'quantitative', title: 'val score (%)' },
          },
        },
        {
          mark: { type: 'point', filled: true, color: 'black', size: 15 },
          encoding: {
            x: { field: 'method', type: 'nominal', sort: { field: 'order' } },
            y: { field: 'score', type: 'quantitative' },
          },
        },
      ],
    },
  } as never);
  await writePlotFiles(o.out, 'methods', methods);
  if (gains.length === 0) return;
  const scatter = await renderVegaLite({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 360,
    height: 260,
    data: {
      values: gains.map((g) => ({
        target: g.target,
        source: g.source,
        seed: g.seed,
        similarity: g.sim.cosineOfAverage,
        gain: 100 * g.gain,
      })),
    },
    mark: { type: 'point', filled: true },
    encoding: {
      x: {
        field: 'similarity',
        type: 'quantitative',
        title: 'SPoT similarity (cosine of average task-embedding token)',
        scale: { zero: false },
      },
      y: { field: 'gain', type: 'quantitative', title: 'transfer gain over scratch (pp)' },
      color: { field: 'target', type: 'nominal' },
      shape: { field: 'source', type: 'nominal' },
      tooltip: [{ field: 'source' }, { field: 'seed' }],
    },
  } as never);
  await writePlotFiles(o.out, 'similarity-gain', scatter);
}
