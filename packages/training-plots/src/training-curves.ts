import { type LogRecord, readJsonlLog } from '@selfevo/trainer';
import type { TopLevelSpec } from 'vega-lite';
import { PlotDataError } from './errors.js';
import { type PlotFiles, type RenderedPlot, renderVegaLite, writePlotFiles } from './render.js';

export interface CurvePoint {
  step: number;
  /** Which panel the point is drawn in: `loss`, an eval metric name, `learning_rate`, `grad_norm`. */
  panel: string;
  /** `train` or `eval`. */
  series: 'train' | 'eval';
  value: number;
}

export interface CurvesOptions {
  title?: string;
  /** Panel width and height in pixels (default 360 × 220). */
  width?: number;
  height?: number;
  /** Panels per row (default 2). */
  columns?: number;
  /** Extra train-side curves besides the loss (default `['learning_rate']`). */
  extraTrainSeries?: ('learning_rate' | 'grad_norm')[];
  /** Only these eval metrics (names with or without `eval_`); default all. */
  evalMetrics?: string[];
}

/**
 * Turn log records into long-format curve points: the train loss and the eval loss share the
 * `loss` panel; every other eval metric gets its own panel; null / non-finite values are left out.
 */
export function curvePoints(records: readonly LogRecord[], opts: CurvesOptions = {}): CurvePoint[] {
  const extra = opts.extraTrainSeries ?? ['learning_rate'];
  const wanted = opts.evalMetrics?.map((m) => (m.startsWith('eval_') ? m : `eval_${m}`));
  const points: CurvePoint[] = [];
  const push = (step: number, panel: string, series: 'train' | 'eval', v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) points.push({ step, panel, series, value: v });
  };
  for (const r of records) {
    if (r.type === 'train') {
      push(r.step, 'loss', 'train', r.loss);
      for (const k of extra) push(r.step, k, 'train', r[k]);
    } else if (r.type === 'eval') {
      for (const [k, v] of Object.entries(r)) {
        if (!k.startsWith('eval_') || (wanted && !wanted.includes(k))) continue;
        push(r.step, k === 'eval_loss' ? 'loss' : k.slice('eval_'.length), 'eval', v);
      }
    }
  }
  return points;
}

/** A Vega-Lite spec: one panel per quantity (independent y scales), lines with points, train vs eval by colour. */
export function trainingCurvesSpec(records: readonly LogRecord[], opts: CurvesOptions = {}): TopLevelSpec {
  const values = curvePoints(records, opts);
  if (values.length === 0)
    throw new PlotDataError('records', 'nothing to plot: the log has no finite loss or metric values');
  // loss first, then the eval metrics, then the extra train curves (learning rate, grad norm)
  const rank = (p: CurvePoint) => (p.panel === 'loss' ? 0 : p.series === 'eval' ? 1 : 2);
  const panels = [...new Set([...values].sort((a, b) => rank(a) - rank(b)).map((p) => p.panel))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    background: 'white',
    data: { values },
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null },
    columns: opts.columns ?? 2,
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    spec: {
      width: opts.width ?? 360,
      height: opts.height ?? 220,
      mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', scale: { domain: ['train', 'eval'] }, title: null },
      },
    },
  } as TopLevelSpec;
}

/** Render the curves to SVG (Vega, headless) and PNG (resvg, system fonts). */
export async function renderTrainingCurves(
  records: readonly LogRecord[],
  opts: CurvesOptions & { pngScale?: number } = {},
): Promise<RenderedPlot> {
  return renderVegaLite(trainingCurvesSpec(records, opts), opts.pngScale);
}

/**
 * Plot a JSONL training log (a path or parsed records) as loss/metric curves: writes
 * `<outDir>/<name>.svg`, `<name>.png` and the Vega-Lite spec `<name>.vl.json`, each atomically.
 */
export async function plotTrainingLog(
  log: string | readonly LogRecord[],
  outDir: string,
  opts: CurvesOptions & { name?: string; pngScale?: number } = {},
): Promise<PlotFiles> {
  const records = typeof log === 'string' ? await readJsonlLog(log) : log;
  return writePlotFiles(outDir, opts.name ?? 'training-curves', await renderTrainingCurves(records, opts));
}
