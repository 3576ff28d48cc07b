import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  // Values recorded from encoder-model's SeededRandom before it moved here: the stream must not
  // change, or every seeded run (dropout masks, shuffles, initialisation, resumed checkpoints) would.
  it('keeps the exact stream it had in encoder-model', () => {
    const a = new SeededRandom(42);
    expect(Array.from({ length: 6 }, () => a.nextUint32())).toEqual([
      2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290,
    ]);
    const zero = new SeededRandom(0);
    expect(Array.from({ length: 4 }, () => zero.nextUint32())).toEqual([
      1292791899, 1284423797, 2013314966, 3703690653,
    ]);
    const b = new SeededRandom(7);
    expect([b.next(), b.nextInt(1000), b.normal(), b.normal()]).toEqual([
      0.23382771760225296, 512, 0.590717715269077, 1.1193292098291738,
    ]);
    expect(b.getState()).toEqual({ s: [4004871382, 3862909744, 3624387629, 603720124], spareNormal: null });
    const f = new SeededRandom(42).fork(3);
    expect([f.nextUint32(), f.nextUint32()]).toEqual([3164119335, 1470988053]);
    expect(new SeededRandom(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([
      5, 6, 0, 9, 3, 2, 1, 4, 7, 8,
    ]);
    expect(Array.from(new SeededRandom(42).fillInt32(new Int32Array(3)))).toEqual([
      -1457644372, 544945897, 479756282,
    ]);
  });

  it('gives the same sequence for the same seed and different ones for different seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('fillInt32 gives exactly the nextUint32 sequence (as int32) and leaves the same state', () => {
    const a = new SeededRandom(123);
    const b = new SeededRandom(123);
    const batch = a.fillInt32(new Int32Array(1001));
    for (let i = 0; i < 1001; i++) expect(batch[i]).toBe(b.nextUint32() | 0);
    expect(a.nextUint32()).toBe(b.nextUint32()); // states agree afterwards
    expect(new Set(batch).size).toBeGreaterThan(990);
  });

  it('resumes exactly from a saved state', () => {
    const a = new SeededRandom(7);
    for (let i = 0; i < 13; i++) a.normal();
    const state = JSON.parse(JSON.stringify(a.getState()));
    const rest = Array.from({ length: 10 }, () => a.normal());
    const b = new SeededRandom(0);
    b.setState(state);
    expect(Array.from({ length: 10 }, () => b.normal())).toEqual(rest);
  });

  it('is roughly uniform and normal', () => {
    const r = new SeededRandom(1);
    const n = 100_000;
    let sum = 0;
    let sumN = 0;
    let sumN2 = 0;
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      buckets[Math.floor(u * 10)]++;
      const z = r.normal();
      sumN += z;
      sumN2 += z * z;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
    for (const b of buckets) expect(Math.abs(b / n - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(sumN / n)).toBeLessThan(0.02);
    expect(Math.abs(sumN2 / n - 1)).toBeLessThan(0.02);
  });

  it('rejects bad arguments', () => {
    expect(() => new SeededRandom(Number.NaN)).toThrow(/seed/);
    expect(() => new SeededRandom(1).nextInt(0)).toThrow(/positive integer/);
    expect(() => new SeededRandom(1).setState({ s: [1, 2, 3] } as never)).toThrow(TypeError);
  });
});
