import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ArmPoint, armCurvesSpec, plotArmCurves } from './arm-curves.js';
import { PlotDataError } from './errors.js';

describe('arm curves', () => {
  it('draws every arm (mean line + seed points) per metric into SVG and PNG', async () => {
    const points: ArmPoint[] = [];
    for (const arm of ['arm A', 'arm B'])
      for (const seed of [1, 2])
        for (const step of [0, 10, 20])
          points.push({ arm, seed, step, metric: 'held-out MLM loss', value: 7 - step / 10 + seed / 100 });
    const dir = await mkdtemp(join(tmpdir(), 'selfevo-arm-curves-'));
    try {
      const r = await plotArmCurves(points, dir, { name: 'c', title: 'test' });
      const svg = await readFile(r.svgPath, 'utf8');
      expect(svg).toContain('arm A');
      expect(svg).toContain('arm B');
      expect(svg).toContain('held-out MLM loss');
      const png = await readFile(r.pngPath);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const spec = JSON.parse(await readFile(r.specPath, 'utf8'));
      expect(spec.data.values).toHaveLength(points.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to plot nothing', () => {
    expect(() => armCurvesSpec([])).toThrow(PlotDataError);
  });
});
