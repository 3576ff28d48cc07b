import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from '@selfevo/utils/node';
import type { TopLevelSpec } from 'vega-lite';
import { PlotDataError } from './errors.js';

/** A rendered figure: its Vega-Lite spec, the SVG text and the PNG bytes. */
export interface RenderedPlot {
  spec: TopLevelSpec;
  svg: string;
  png: Uint8Array;
}

/** Where `writePlotFiles` put the three files. */
export interface PlotFiles {
  svgPath: string;
  pngPath: string;
  specPath: string;
}

/**
 * Render a Vega-Lite spec headless: Vega draws the SVG (no canvas, no browser), resvg rasterises
 * it to PNG with the system fonts at `pngScale` × the SVG size (default 2).
 */
export async function renderVegaLite(spec: TopLevelSpec, pngScale = 2): Promise<RenderedPlot> {
  if (!(pngScale > 0)) throw new PlotDataError('pngScale', `must be > 0, got ${pngScale}`);
  // Loaded on first use: vega's canvas probe (vega-canvas) uses top-level await, which would make
  // `require('@selfevo/training-plots')` (require(esm), Node >= 20.19) fail for the whole package.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const png = new Resvg(svg, {
    font: { loadSystemFonts: true },
    fitTo: { mode: 'zoom', value: pngScale },
    background: 'white',
  })
    .render()
    .asPng();
  return { spec, svg, png: new Uint8Array(png) };
}

/** Write `<outDir>/<name>.svg`, `<name>.png` and the spec `<name>.vl.json`, each atomically. */
export async function writePlotFiles(outDir: string, name: string, plot: RenderedPlot): Promise<PlotFiles> {
  const files: PlotFiles = {
    svgPath: join(outDir, `${name}.svg`),
    pngPath: join(outDir, `${name}.png`),
    specPath: join(outDir, `${name}.vl.json`),
  };
  await writeFileAtomic(files.svgPath, plot.svg);
  await writeFileAtomic(files.pngPath, plot.png);
  await writeFileAtomic(files.specPath, `${JSON.stringify(plot.spec, null, 2)}\n`);
  return files;
}
