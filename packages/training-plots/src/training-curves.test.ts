import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { type LogRecord, readJsonlLog, train } from '@selfevo/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlotDataError } from './errors.js';
import { evalLoss, makeBatch, makeSource, mseLoss, TinyLinear } from './test-fixtures/tiny-regression.js';
import { curvePoints, plotTrainingLog, renderTrainingCurves } from './training-curves.js';

let out: string;
let logPath: string;

beforeAll(async () => {
  await useBackend('cpu');
  out = await mkdtemp(join(tmpdir(), 'selfevo-plot-'));
  const model = new TinyLinear();
  const heldOut = makeBatch(32, 8);
  const result = await train({
    model,
    lossFn: mseLoss,
    trainData: makeSource(64, 8),
    optimizer: { lr: 0.02 },
    schedule: { schedule: 'cosine', peakLr: 0.02, warmupSteps: 4 },
    maxSteps: 40,
    logEverySteps: 4,
    evalFn: () => ({ loss: evalLoss(model, heldOut), r2: 1 - evalLoss(model, heldOut) }),
    evalEverySteps: 10,
    outputDir: out,
    progress: 'none',
  });
  logPath = result.logPath!;
  model.dispose();
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** The data points vega wrote into the SVG (each point mark carries an aria-label with its fields). */
function svgPoints(svg: string): { step: number; value: number; series: string }[] {
  return [
    ...svg.matchAll(
      /<path aria-label="step: ([-\d.e]+); value: ([-\d.e]+); series: (\w+)" role="graphics-symbol" aria-roledescription="point"/g,
    ),
  ].map((m) => ({ step: Number(m[1]), value: Number(m[2]), series: m[3] }));
}

describe('plots', () => {
  it('the training log parses and holds every logged step', async () => {
    const log = await readJsonlLog(logPath);
    expect(log.filter((r) => r.type === 'train').map((r) => r.step)).toEqual([
      4, 8, 12, 16, 20, 24, 28, 32, 36, 40,
    ]);
    expect(log.filter((r) => r.type === 'eval').map((r) => r.step)).toEqual([10, 20, 30, 40]);
  });

  it('the SVG contains the curves: every logged value as a point, one line per series and panel', async () => {
    const log = await readJsonlLog(logPath);
    const { svg, png } = await renderTrainingCurves(log);
    expect(svg.startsWith('<svg')).toBe(true);
    const pts = svgPoints(svg);
    const expected = curvePoints(log);
    // loss (train + eval), r2 (eval), learning_rate (train)
    expect(expected.length).toBe(10 + 4 + 4 + 10);
    expect(pts.length).toBe(expected.length);
    for (const e of expected) {
      const hit = pts.find(
        (p) =>
          p.step === e.step &&
          p.series === e.series &&
          Math.abs(p.value - e.value) <= 1e-3 * Math.abs(e.value) + 1e-9,
      );
      expect(hit, `${e.panel} ${e.series} step ${e.step} = ${e.value}`).toBeDefined();
    }
    // one polyline per (panel, series): 10 train-loss points, 4 eval-loss, 4 r2, 10 learning-rate
    const lines = [...svg.matchAll(/aria-roledescription="line mark" d="(M[^"]+)"/g)].map(
      (m) => m[1].split(/[ML]/).filter(Boolean).length,
    );
    expect(lines.sort((a, b) => a - b)).toEqual([4, 4, 10, 10]);
    // PNG: signature, IHDR size = SVG size × 2
    expect(Array.from(png.slice(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(20_000);
    const dv = new DataView(png.buffer, png.byteOffset);
    const w = Number(/width="(\d+)"/.exec(svg)![1]);
    const h = Number(/height="(\d+)"/.exec(svg)![1]);
    expect([dv.getUint32(16), dv.getUint32(20)]).toEqual([2 * w, 2 * h]);
  });

  it('plotTrainingLog writes SVG, PNG and the Vega-Lite spec from a log file', async () => {
    const { svgPath, pngPath, specPath } = await plotTrainingLog(logPath, out, { title: 'tiny MLP' });
    if (process.env.SELFEVO_KEEP_PLOT)
      await writeFile(process.env.SELFEVO_KEEP_PLOT, await readFile(pngPath));
    const svg = await readFile(svgPath, 'utf8');
    expect(svg).toContain('tiny MLP');
    expect(svgPoints(svg).length).toBe(28);
    const png = await readFile(pngPath);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const spec = JSON.parse(await readFile(specPath, 'utf8'));
    expect(spec.data.values.length).toBe(28);
  });

  it('curvePoints: eval metric filter, extra train series, non-finite values left out', () => {
    const recs: LogRecord[] = [
      { type: 'train', step: 1, epoch: 0, elapsed_ms: 0, loss: 2, learning_rate: 0.1, grad_norm: 3 },
      { type: 'train', step: 2, epoch: 0, elapsed_ms: 0, loss: null, learning_rate: 0.1, grad_norm: null },
      { type: 'eval', step: 2, epoch: 0, elapsed_ms: 0, eval_loss: 1.5, eval_f1: 0.4, eval_em: 0.2 },
    ];
    expect(curvePoints(recs, { extraTrainSeries: ['grad_norm'], evalMetrics: ['f1', 'eval_loss'] })).toEqual([
      { step: 1, panel: 'loss', series: 'train', value: 2 },
      { step: 1, panel: 'grad_norm', series: 'train', value: 3 },
      { step: 2, panel: 'loss', series: 'eval', value: 1.5 },
      { step: 2, panel: 'f1', series: 'eval', value: 0.4 },
    ]);
  });

  it('rejects a log with nothing to plot', async () => {
    const empty: LogRecord[] = [{ type: 'train', step: 1, epoch: 0, elapsed_ms: 0, loss: null }];
    await expect(renderTrainingCurves(empty)).rejects.toThrow(PlotDataError);
  });
});
