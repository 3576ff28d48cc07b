// The grid's tables (mean ± sample std over seeds; paired differences per seed) and plot, from the
// result files the grid wrote. Missing runs are reported as missing, never filled in.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderVegaLite, writePlotFiles } from '@selfevo/training-plots';
import { writeFileAtomic } from '@selfevo/utils/node';
import { ARMS, type GridTask, PAIRS } from './arms.js';

interface Score {
  loss: number;
  accuracy: number;
  numMasked: number;
}
interface Eval {
  all: Score;
  atMask: Score;
  onSelected: Score;
  budget?: { maskedTokens: number };
  medianStepMs?: number;
}

const readJson = async <T>(p: string): Promise<T | undefined> =>
  existsSync(p) ? (JSON.parse(await readFile(p, 'utf8')) as T) : undefined;

/** `mean ± sample std` with `digits` decimals; `(n = 1)` for one value, `—` for none. */
export function meanStd(xs: number[], digits = 4): string {
  if (xs.length === 0) return '—';
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length === 1) return `${m.toFixed(digits)} (n = 1)`;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}
const fmt = (x: number) => x.toFixed(4);
const pct = (x: number) => 100 * x;

export async function writeGridReport(o: {
  work: string;
  results: string;
  seeds: number[];
  tasks: readonly GridTask[];
  settings: Record<string, unknown>;
}): Promise<void> {
  await mkdir(o.results, { recursive: true });
  const base = await readJson<Eval>(join(o.work, 'base-eval.json'));
  const stage1 = await readJson<Record<string, unknown>>(join(o.work, 'stage1.json'));
  const evals = new Map<string, Map<number, Eval>>();
  for (const arm of ARMS) {
    const m = new Map<number, Eval>();
    for (const seed of o.seeds) {
      const e = await readJson<Eval>(join(o.work, 'arms', arm.key, `seed-${seed}`, 'eval.json'));
      if (e) m.set(seed, e);
    }
    evals.set(arm.key, m);
  }
  const dev = new Map<string, Map<number, Map<GridTask, { score: number; majority: number }>>>();
  for (const key of ['base', ...ARMS.map((x) => x.key)]) {
    const bySeed = new Map<number, Map<GridTask, { score: number; majority: number }>>();
    for (const seed of o.seeds) {
      const byTask = new Map<GridTask, { score: number; majority: number }>();
      for (const task of o.tasks) {
        const r = await readJson<{ score: number; majority: number }>(
          join(o.work, 'finetune', key, `seed-${seed}`, `${task}.json`),
        );
        if (r) byTask.set(task, r);
      }
      if (byTask.size) bySeed.set(seed, byTask);
    }
    if (bySeed.size) dev.set(key, bySeed);
  }
  const devAvg = (key: string, seed: number) => {
    const t = dev.get(key)?.get(seed);
    if (!t || t.size < o.tasks.length) return undefined;
    return [...t.values()].reduce((s, r) => s + r.score, 0) / t.size;
  };

  const lines: string[] = [];
  lines.push('## Held-out MLM (same masked text for every model; mean ± sample std over seeds)', '');
  lines.push(
    '| model | seeds | loss ↓ | acc (%) ↑ | loss at [MASK] ↓ | acc at [MASK] (%) ↑ | loss on SE-selected tokens ↓ | masked train tokens | ms / step |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  if (base)
    lines.push(
      `| base (no continued training) | — | ${fmt(base.all.loss)} | ${pct(base.all.accuracy).toFixed(2)} | ${fmt(base.atMask.loss)} | ${pct(base.atMask.accuracy).toFixed(2)} | ${fmt(base.onSelected.loss)} | — | — |`,
    );
  for (const arm of ARMS) {
    const es = [...(evals.get(arm.key)?.values() ?? [])];
    if (es.length === 0) {
      lines.push(`| ${arm.label} | 0 | not run | | | | | | |`);
      continue;
    }
    const col = (f: (e: Eval) => number, digits = 4) => meanStd(es.map(f), digits);
    lines.push(
      `| ${arm.label} | ${es.length} | ${col((e) => e.all.loss)} | ${col((e) => pct(e.all.accuracy), 2)} | ${col((e) => e.atMask.loss)} | ${col((e) => pct(e.atMask.accuracy), 2)} | ${col((e) => e.onSelected.loss)} | ${Math.round(es.reduce((s, e) => s + (e.budget?.maskedTokens ?? 0), 0) / es.length)} | ${Math.round(es.reduce((s, e) => s + (e.medianStepMs ?? 0), 0) / es.length)} |`,
    );
  }
  lines.push('', '## Paired differences (arm − reference, same seed; negative loss = better)', '');
  lines.push(
    `| arm − reference | Δ held-out loss per seed | mean ± std | Δ loss on SE-selected per seed | mean ± std | Δ dev average (points) per seed | mean ± std |`,
  );
  lines.push('|---|---|---|---|---|---|---|');
  const label = (k: string) => ARMS.find((x) => x.key === k)?.label ?? k;
  for (const [x, ref] of PAIRS) {
    const seeds = o.seeds.filter((s) => evals.get(x)?.has(s) && evals.get(ref)?.has(s));
    const d = (f: (e: Eval) => number) =>
      seeds.map((s) => f(evals.get(x)!.get(s)!) - f(evals.get(ref)!.get(s)!));
    const dl = d((e) => e.all.loss);
    const ds = d((e) => e.onSelected.loss);
    const dd = o.seeds
      .map((s) => [devAvg(x, s), devAvg(ref, s)])
      .filter((p): p is [number, number] => p[0] !== undefined && p[1] !== undefined)
      .map(([u, v]) => 100 * (u - v));
    const list = (xs: number[]) => (xs.length ? xs.map((v) => v.toFixed(3)).join(', ') : '—');
    lines.push(
      `| ${label(x)} − ${label(ref)} | ${list(dl)} | ${meanStd(dl)} | ${list(ds)} | ${meanStd(ds)} | ${list(dd)} | ${meanStd(dd, 2)} |`,
    );
  }
  lines.push(
    '',
    `## SuperGLUE dev (small fine-tuning budget; the best epoch's dev score; mean ± std over fine-tuning seeds)`,
    '',
  );
  lines.push(`| model | ${o.tasks.join(' | ')} | average |`);
  lines.push(`|---|${o.tasks.map(() => '---|').join('')}---|`);
  for (const [key, bySeed] of dev) {
    const cells = o.tasks.map((t) =>
      meanStd(
        [...bySeed.values()].flatMap((m) => (m.has(t) ? [pct(m.get(t)!.score)] : [])),
        1,
      ),
    );
    const avgs = o.seeds
      .map((s) => devAvg(key, s))
      .filter((v): v is number => v !== undefined)
      .map(pct);
    lines.push(
      `| ${key === 'base' ? 'base (no continued training)' : label(key)} | ${cells.join(' | ')} | ${meanStd(avgs, 1)} |`,
    );
  }
  const anySeed = [...dev.values()][0]?.values().next().value;
  if (anySeed)
    lines.push(
      `| majority class (train labels) | ${o.tasks.map((t) => (anySeed.has(t) ? pct(anySeed.get(t)!.majority).toFixed(1) : '—')).join(' | ')} | |`,
    );
  lines.push('');
  await writeFileAtomic(join(o.results, 'table.md'), lines.join('\n'));
  await writeFileAtomic(
    join(o.results, 'results.json'),
    `${JSON.stringify({ settings: o.settings, stage1, base, arms: Object.fromEntries([...evals].map(([k, m]) => [k, Object.fromEntries(m)])), dev: Object.fromEntries([...dev].map(([k, m]) => [k, Object.fromEntries([...m].map(([s, t]) => [s, Object.fromEntries(t)]))])) }, null, 2)}\n`,
  );
  const points = ARMS.flatMap((arm) =>
    [...(evals.get(arm.key) ?? new Map<number, Eval>())].flatMap(([seed, e]) => [
      { arm: arm.label, seed, metric: 'held-out MLM loss', value: e.all.loss },
      { arm: arm.label, seed, metric: 'loss on SE-selected tokens', value: e.onSelected.loss },
    ]),
  );
  if (points.length && base) {
    const plot = await renderVegaLite({
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'SE grid from encoder-mini-gutenberg (dots: seeds; dashed: the base model)',
      data: {
        values: [
          ...points,
          { metric: 'held-out MLM loss', base: base.all.loss },
          { metric: 'loss on SE-selected tokens', base: base.onSelected.loss },
        ],
      },
      facet: { column: { field: 'metric', type: 'nominal', title: null } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 260,
        height: 220,
        layer: [
          {
            transform: [{ filter: 'isValid(datum.value)' }],
            mark: { type: 'point', filled: true },
            encoding: {
              x: { field: 'arm', type: 'nominal', title: null, axis: { labelAngle: -35 } },
              y: { field: 'value', type: 'quantitative', title: 'loss (nats)', scale: { zero: false } },
              color: { field: 'arm', type: 'nominal', legend: null },
            },
          },
          {
            transform: [{ filter: 'isValid(datum.base)' }],
            mark: { type: 'rule', strokeDash: [6, 4], color: 'gray' },
            encoding: { y: { field: 'base', type: 'quantitative' } },
          },
        ],
      },
    });
    await writePlotFiles(o.results, 'se-grid', plot);
  }
}
