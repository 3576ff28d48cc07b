import type { TopLevelSpec } from 'vega-lite';
import { PlotDataError } from './errors.js';
import { type PlotFiles, renderVegaLite, writePlotFiles } from './render.js';

/** One value of one run: `arm` (e.g. "SE mask + rectified"), `seed`, `step`, the panel `metric`. */
export interface ArmPoint {
  arm: string;
  seed: number;
  step: number;
  metric: string;
  value: number;
}

/**
 * Vega-Lite spec comparing runs: one panel per metric (independent y scales); per arm, the mean
 * over seeds as a line and every seed's value as a faint point.
 */
export function armCurvesSpec(
  points: readonly ArmPoint[],
  opts: { title?: string; width?: number; height?: number } = {},
): TopLevelSpec {
  const values = points.filter((p) => Number.isFinite(p.value));
  if (values.length === 0) throw new PlotDataError('points', 'nothing to plot');
  const metrics = [...new Set(values.map((p) => p.metric))];
  const arms = [...new Set(values.map((p) => p.arm))];
  const color = {
    field: 'arm',
    type: 'nominal',
    scale: { domain: arms },
    title: null,
    legend: { labelLimit: 400 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    background: 'white',
    data: { values },
    facet: { field: 'metric', type: 'nominal', sort: metrics, title: null },
    columns: Math.min(3, metrics.length),
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    spec: {
      width: opts.width ?? 320,
      height: opts.height ?? 220,
      layer: [
        {
          mark: { type: 'point', opacity: 0.35, size: 14 },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: 'step' },
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
            color,
          },
        },
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: 'step' },
            y: {
              aggregate: 'mean',
              field: 'value',
              type: 'quantitative',
              title: null,
              scale: { zero: false },
            },
            color,
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Write `<name>.svg`, `<name>.png` and `<name>.vl.json` (each atomically) for `armCurvesSpec`. */
export async function plotArmCurves(
  points: readonly ArmPoint[],
  outDir: string,
  opts: { name?: string; title?: string; width?: number; height?: number; pngScale?: number } = {},
): Promise<PlotFiles> {
  return writePlotFiles(
    outDir,
    opts.name ?? 'arm-curves',
    await renderVegaLite(armCurvesSpec(points, opts), opts.pngScale),
  );
}
