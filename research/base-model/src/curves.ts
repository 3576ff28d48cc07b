// Held-out MLM loss and accuracy vs tokens seen, against the unigram reference: table.md,
// metrics.json and curves.svg/png (Vega-Lite, rendered headless by @selfevo/training-plots).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderVegaLite, writePlotFiles } from '@selfevo/training-plots';
import { writeFileAtomic } from '@selfevo/utils/node';

interface Score {
  loss: number;
  accuracy: number;
  /** The same, only at the positions whose input is [MASK] (methods §1.6). */
  atMask?: { loss: number; accuracy: number };
}

export interface CurvesInput {
  logPath: string;
  results: string;
  tokensPerStep: number;
  unigram: Score & { trainTokens: number; mostFrequent?: string };
  final: { f32: Score; f16: Score; shipped: 'F16' | 'F32' };
  heldOut: { rows: number; numMasked: number; fingerprint: string };
  run: Record<string, unknown>;
}

export async function writeCurves(o: CurvesInput): Promise<void> {
  await mkdir(o.results, { recursive: true });
  const evals: { step: number; tokens: number; loss: number; accuracy: number }[] = [];
  let lastTrain: { step: number; elapsed_ms: number } | undefined;
  for (const line of (await readFile(o.logPath, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (r.type === 'eval' && typeof r.eval_loss === 'number')
      evals.push({
        step: r.step,
        tokens: r.step * o.tokensPerStep,
        loss: r.eval_loss,
        accuracy: r.eval_accuracy,
      });
    if (r.type === 'train') lastTrain = r;
  }
  const pct = (x: number) => (100 * x).toFixed(2);
  const rows = evals.map(
    (e) => `| ${e.step} | ${(e.tokens / 1e6).toFixed(2)} | ${e.loss.toFixed(4)} | ${pct(e.accuracy)} |`,
  );
  const table = [
    '| step | tokens seen (M) | held-out MLM loss ↓ | held-out MLM accuracy (%) ↑ |',
    '|---|---|---|---|',
    ...rows,
    `| unigram reference | ${(o.unigram.trainTokens / 1e6).toFixed(1)} (counted) | ${o.unigram.loss.toFixed(4)} | ${pct(o.unigram.accuracy)} |`,
    '',
    `Shipped weights (${o.final.shipped}): F32 loss ${o.final.f32.loss.toFixed(4)}, accuracy ${pct(o.final.f32.accuracy)}%; ` +
      `F16 loss ${o.final.f16.loss.toFixed(4)}, accuracy ${pct(o.final.f16.accuracy)}%` +
      (o.final.f32.atMask
        ? `; at [MASK] positions only (F32): loss ${o.final.f32.atMask.loss.toFixed(4)}, accuracy ${pct(o.final.f32.atMask.accuracy)}%`
        : '') +
      `. Held-out set: ${o.heldOut.rows} rows ` +
      `of 128 tokens, ${o.heldOut.numMasked} masked tokens, fingerprint \`${o.heldOut.fingerprint}\`.`,
    '',
  ].join('\n');
  await writeFileAtomic(join(o.results, 'table.md'), table);
  await writeFileAtomic(
    join(o.results, 'metrics.json'),
    `${JSON.stringify({ evals, unigram: o.unigram, final: o.final, heldOut: o.heldOut, trainWallMs: lastTrain?.elapsed_ms, run: o.run }, null, 2)}\n`,
  );
  const points = evals.flatMap((e) => [
    { tokensM: e.tokens / 1e6, metric: 'held-out MLM loss', value: e.loss, series: 'model' },
    {
      tokensM: e.tokens / 1e6,
      metric: 'held-out MLM accuracy (%)',
      value: 100 * e.accuracy,
      series: 'model',
    },
  ]);
  const ref = [
    { metric: 'held-out MLM loss', value: o.unigram.loss, series: 'unigram reference' },
    { metric: 'held-out MLM accuracy (%)', value: 100 * o.unigram.accuracy, series: 'unigram reference' },
  ];
  const plot = await renderVegaLite({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'encoder-mini-gutenberg: held-out MLM vs tokens seen',
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    data: { values: [...points, ...ref.map((r) => ({ ...r, tokensM: null }))] },
    spec: {
      width: 320,
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.series === 'model'" }],
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'tokensM', type: 'quantitative', title: 'tokens seen (millions)' },
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
            color: { field: 'series', type: 'nominal', title: null },
          },
        },
        {
          transform: [{ filter: "datum.series === 'unigram reference'" }],
          mark: { type: 'rule', strokeDash: [6, 4] },
          encoding: {
            y: { field: 'value', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', title: null },
          },
        },
      ],
    },
  });
  await writePlotFiles(o.results, 'curves', plot);
}
