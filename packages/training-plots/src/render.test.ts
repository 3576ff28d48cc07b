import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { PlotDataError } from './errors.js';
import { renderVegaLite, writePlotFiles } from './render.js';

const spec = {
  width: 100,
  height: 50,
  background: 'white',
  data: { values: [0, 1, 2].map((x) => ({ x, y: x * x })) },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
} as TopLevelSpec;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const dv = new DataView(png.buffer, png.byteOffset);
  return [dv.getUint32(16), dv.getUint32(20)];
}

describe('renderVegaLite / writePlotFiles', () => {
  it('draws the SVG and rasterises it at pngScale × its size', async () => {
    const one = await renderVegaLite(spec, 1);
    const three = await renderVegaLite(spec, 3);
    expect(one.svg).toBe(three.svg);
    expect(one.svg).toMatch(/^<svg/);
    const w = Number(/width="(\d+)"/.exec(one.svg)![1]);
    const h = Number(/height="(\d+)"/.exec(one.svg)![1]);
    expect(pngSize(one.png)).toEqual([w, h]);
    expect(pngSize(three.png)).toEqual([3 * w, 3 * h]);
  });

  it('rejects a non-positive pngScale naming it', async () => {
    await expect(renderVegaLite(spec, 0)).rejects.toThrow(PlotDataError);
    await expect(renderVegaLite(spec, 0)).rejects.toThrow(/pngScale/);
  });

  it('writes the SVG, PNG and spec under the given name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'selfevo-render-'));
    try {
      const plot = await renderVegaLite(spec);
      const files = await writePlotFiles(join(dir, 'nested'), 'fig', plot);
      expect(files).toEqual({
        svgPath: join(dir, 'nested', 'fig.svg'),
        pngPath: join(dir, 'nested', 'fig.png'),
        specPath: join(dir, 'nested', 'fig.vl.json'),
      });
      expect(await readFile(files.svgPath, 'utf8')).toBe(plot.svg);
      expect(new Uint8Array(await readFile(files.pngPath))).toEqual(plot.png);
      // Vega tags the data rows it parsed (symbol keys): compare the JSON forms.
      expect(JSON.parse(await readFile(files.specPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(spec)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
