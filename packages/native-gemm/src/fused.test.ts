// The fused kernels (LayerNorm, GELU, softmax, dropout and their gradients) against float64
// references, their argument checks, and the thread pool: any thread count gives bit-identical
// results, a batch of small GEMMs split over the pool equals the serial loop, and two worker
// threads using the pool at once still get correct results.
import { Worker } from 'node:worker_threads';
import { SeededRandom } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import { loadNativeGemm } from './native-gemm.js';

const gemm = loadNativeGemm();
const fused = gemm?.fused;

/** Deterministic values in [-1, 1) (an LCG), times `scale`. */
function lcg(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

/** One heap holding the named arrays back to back (16-byte aligned); offsets in bytes. */
function heapOf(parts: Record<string, Float32Array | number>) {
  const sizes = Object.entries(parts).map(([k, v]) => [k, typeof v === 'number' ? v : v.length] as const);
  const off: Record<string, number> = {};
  let at = 4; // not at 0: offsets must be honoured
  for (const [k, n] of sizes) {
    off[k] = at * 4;
    at += Math.ceil(n / 4) * 4 + 4;
  }
  const heap = new Float32Array(at);
  heap.fill(Number.NaN);
  for (const [k, v] of Object.entries(parts)) if (typeof v !== 'number') heap.set(v, off[k] / 4);
  const get = (k: string) => heap.subarray(off[k] / 4, off[k] / 4 + sizes.find(([n]) => n === k)![1]);
  return { heap, buf: heap.buffer, off, get };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol = 0): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= atol + rtol * Math.abs(want[i]))) throw new Error(`element ${i}: ${got[i]} vs ${want[i]}`);
  }
}

/** erf in float64 (series for |x| < 3, continued fraction beyond): ≤ 1e-12 off. */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f));
}

function lnRef(
  x: Float32Array,
  res: Float32Array | null,
  g: Float32Array,
  b: Float32Array,
  h: number,
  eps: number,
) {
  const rows = x.length / h;
  const y = new Float64Array(x.length);
  const xhat = new Float64Array(x.length);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = Array.from({ length: h }, (_, j) => x[r * h + j] + (res ? res[r * h + j] : 0));
    const mean = v.reduce((s, a) => s + a, 0) / h;
    const vr = v.reduce((s, a) => s + (a - mean) ** 2, 0) / h;
    rstd[r] = 1 / Math.sqrt(vr + eps);
    for (let j = 0; j < h; j++) {
      xhat[r * h + j] = (v[j] - mean) * rstd[r];
      y[r * h + j] = xhat[r * h + j] * g[j] + b[j];
    }
  }
  return { y, xhat, rstd };
}

describe.skipIf(fused == null)('native fused kernels', () => {
  const f = fused!;

  it.each([
    [1, 1],
    [3, 7],
    [300, 64], // several row blocks
    [5, 1000],
  ])('layerNorm %i×%i (with and without the residual) and its gradient equal float64', (rows, h) => {
    const x = lcg(rows * h, 1, 3);
    const res = lcg(rows * h, 2);
    const g = lcg(h, 3, 0.5).map((v) => v + 1);
    const b = lcg(h, 4);
    const dy = lcg(rows * h, 5);
    for (const withRes of [false, true]) {
      const m = heapOf({ x, res, g, b, y: rows * h, xhat: rows * h, rstd: rows });
      const o = m.off;
      f.layerNorm(m.buf, o.x, withRes ? o.res : -1, o.g, o.b, rows, h, 1e-5, o.y, o.xhat, o.rstd, 2);
      const ref = lnRef(x, withRes ? res : null, g, b, h, 1e-5);
      expectClose(m.get('y'), ref.y, 2e-5, 1e-5);
      expectClose(m.get('xhat'), ref.xhat, 2e-5, 1e-5);
      expectClose(m.get('rstd'), ref.rstd, 0, 1e-5);
      // gradient from the float32 xhat / rstd the forward wrote
      const xh = m.get('xhat').slice();
      const rs = m.get('rstd').slice();
      const gm = heapOf({ dy, xh, rs, g, dx: rows * h, dg: h, db: h });
      const q = gm.off;
      f.layerNormGrad(gm.buf, q.dy, q.xh, q.rs, q.g, rows, h, q.dx, q.dg, q.db, 2);
      const dx = new Float64Array(rows * h);
      const dg = new Float64Array(h);
      const db = new Float64Array(h);
      for (let r = 0; r < rows; r++) {
        let a = 0;
        let c = 0;
        for (let j = 0; j < h; j++) {
          a += dy[r * h + j] * g[j];
          c += dy[r * h + j] * g[j] * xh[r * h + j];
          dg[j] += dy[r * h + j] * xh[r * h + j];
          db[j] += dy[r * h + j];
        }
        for (let j = 0; j < h; j++)
          dx[r * h + j] = rs[r] * (dy[r * h + j] * g[j] - a / h - (xh[r * h + j] * c) / h);
      }
      expectClose(gm.get('dx'), dx, 2e-5 * Math.max(1, rs[0]), 1e-4);
      expectClose(gm.get('dg'), dg, 1e-4, 1e-5);
      expectClose(gm.get('db'), db, 1e-4, 1e-5);
    }
  });

  it('gelu and its gradient equal float64 over [-13.5, 13.5] (odd length)', () => {
    const n = 1001;
    const x = Float32Array.from({ length: n }, (_, i) => (i - 500) / 37);
    const dy = lcg(n, 6);
    const m = heapOf({ x, dy, y: n, dx: n });
    f.gelu(m.buf, m.off.x, m.off.y, n, 2);
    f.geluGrad(m.buf, m.off.dy, m.off.x, m.off.dx, n, 2);
    const cdf = (v: number) => 0.5 * (1 + erf(v / Math.SQRT2));
    const pdf = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
    expectClose(
      m.get('y'),
      Array.from(x, (v) => v * cdf(v)),
      3e-6,
      1e-6,
    );
    expectClose(
      m.get('dx'),
      Array.from(x, (v, i) => dy[i] * (cdf(v) + v * pdf(v))),
      3e-6,
      1e-6,
    );
  });

  it('softmax with a mask row per group, and its gradient, equal float64', () => {
    const [groups, per, k] = [3, 10, 130];
    const rows = groups * per;
    const x = lcg(rows * k, 7, 8);
    const mask = Float32Array.from({ length: groups * k }, (_, i) => (i % 5 === 4 ? -1e9 : 0));
    const dy = lcg(rows * k, 8);
    const m = heapOf({ x, mask, dy, y: rows * k, dx: rows * k });
    f.softmax(m.buf, m.off.x, m.off.mask, per, rows, k, m.off.y, 2);
    const y = m.get('y').slice();
    const ref = new Float64Array(rows * k);
    for (let r = 0; r < rows; r++) {
      const z = Array.from({ length: k }, (_, j) => x[r * k + j] + mask[Math.floor(r / per) * k + j]);
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const s = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < k; j++) ref[r * k + j] = e[j] / s;
    }
    expectClose(y, ref, 1e-7, 1e-5);
    expect(y[4]).toBe(0); // masked
    f.softmaxGrad(m.buf, m.off.dy, m.off.y, rows, k, m.off.dx, 2);
    const dx = new Float64Array(rows * k);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += dy[r * k + j] * y[r * k + j];
      for (let j = 0; j < k; j++) dx[r * k + j] = y[r * k + j] * (dy[r * k + j] - s);
    }
    expectClose(m.get('dx'), dx, 1e-7, 1e-5);
    // no mask
    f.softmax(m.buf, m.off.x, -1, 1, rows, k, m.off.y, 1);
    const row0 = Array.from(x.subarray(0, k), (v) => Math.exp(v));
    const s0 = row0.reduce((a, b) => a + b, 0);
    expectClose(
      m.get('y').subarray(0, k),
      row0.map((v) => v / s0),
      1e-7,
      1e-5,
    );
  });

  it.each([
    [0, 0.1],
    [12345, 0.5],
    [4294967295, 0.9],
  ])('dropout (seed %i, rate %d) keeps exactly where SeededRandom(seed).fillInt32 says', (seed, rate) => {
    const n = 200_003; // several blocks of the stream, odd tail
    const x = lcg(n, 9);
    const threshold = Math.floor(rate * 4294967296);
    const keep = 1 / (1 - rate);
    const m = heapOf({ x, y: n, mask: n });
    f.dropout(m.buf, m.off.x, n, seed, threshold, keep, m.off.y, m.off.mask, 2);
    const bits = new SeededRandom(seed).fillInt32(new Int32Array(n));
    const k32 = Math.fround(keep);
    const mask = m.get('mask');
    const y = m.get('y');
    for (let i = 0; i < n; i++) {
      const want = bits[i] >>> 0 >= threshold ? k32 : 0;
      if (mask[i] !== want || y[i] !== Math.fround(x[i] * want)) throw new Error(`element ${i}`);
    }
  });

  it('dropout far into the stream (chunks jump ahead by up to 2^23 draws) matches SeededRandom on 1 and 3 threads', () => {
    const n = 2 ** 23 + 4099;
    const x = new Float32Array(n).fill(1);
    const bits = new SeededRandom(99).fillInt32(new Int32Array(n));
    for (const threads of [1, 3]) {
      const m = heapOf({ x, y: n, mask: n });
      f.dropout(m.buf, m.off.x, n, 99, 2 ** 31, 2, m.off.y, m.off.mask, threads);
      const mask = m.get('mask');
      for (let i = 0; i < n; i++)
        if (mask[i] !== (bits[i] >>> 0 >= 2 ** 31 ? 2 : 0))
          throw new Error(`element ${i} (${threads} threads)`);
    }
  });

  it.each([
    [1, 1],
    [3, 1000],
    [2049, 33], // many row blocks
    [100_003, 1], // a whole-tensor sum (blocks of elements)
  ])('columnSum %i×%i equals float64', (rows, cols) => {
    const x = lcg(rows * cols, 16);
    const m = heapOf({ x, out: cols });
    f.columnSum(m.buf, m.off.x, rows, cols, m.off.out, 2);
    const want = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) want[j] += x[r * cols + j];
    expectClose(m.get('out'), want, 1e-4, 1e-5);
    expect(() => f.columnSum(m.buf, m.off.x, rows, cols, m.off.x, 1)).toThrow(/out overlaps x/);
  });

  it.each([
    [
      [2, 3, 4, 5],
      [0, 2, 1, 3],
    ], // the head split / merge
    [
      [2, 3, 4, 5],
      [0, 2, 3, 1],
    ], // keys transposed
    [
      [1, 1, 1, 7],
      [3, 2, 1, 0],
    ],
    [
      [3, 130, 2, 33],
      [1, 3, 0, 2],
    ], // several row blocks
    [
      [2, 0, 3, 4],
      [0, 2, 1, 3],
    ], // empty
  ])('transpose4 %j by %j moves every element where the permutation says', (d, perm) => {
    const n = d.reduce((a, b) => a * b, 1);
    const x = lcg(n, 17);
    const m = heapOf({ x, out: n });
    f.transpose4(m.buf, m.off.x, m.off.out, d[0], d[1], d[2], d[3], perm[0], perm[1], perm[2], perm[3], 2);
    const od = perm.map((p) => d[p]);
    const xs = [d[1] * d[2] * d[3], d[2] * d[3], d[3], 1];
    const out = m.get('out');
    let at = 0;
    for (let a = 0; a < od[0]; a++)
      for (let b = 0; b < od[1]; b++)
        for (let c = 0; c < od[2]; c++)
          for (let e = 0; e < od[3]; e++) {
            const i = [a, b, c, e];
            const src = i.reduce((s, v, k) => s + v * xs[perm[k]], 0);
            if (out[at++] !== x[src]) throw new Error(`element ${at - 1}`);
          }
    expect(at).toBe(n);
    expect(() => f.transpose4(m.buf, m.off.x, m.off.out, d[0], d[1], d[2], d[3], 0, 0, 1, 2, 1)).toThrow(
      /must be a permutation/,
    );
  });

  it('softmaxNll and its gradient equal float64; a gold class out of range is refused', () => {
    const [rows, v] = [5, 1003];
    const x = lcg(rows * v, 18, 20);
    const gold = Int32Array.from([0, 1002, 7, 500, 7]);
    const dy = lcg(rows, 19);
    const m = heapOf({ x, gold: rows, dy, loss: rows, probs: rows * v, dx: rows * v });
    new Int32Array(m.buf, m.off.gold, rows).set(gold);
    const o = m.off;
    f.softmaxNll(m.buf, o.x, o.gold, rows, v, o.loss, o.probs, 2);
    f.softmaxNllGrad(m.buf, o.dy, o.probs, o.gold, rows, v, o.dx, 2);
    const loss = new Float64Array(rows);
    const dx = new Float64Array(rows * v);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * v, (r + 1) * v);
      const mx = Math.max(...row);
      const s = row.reduce((a, b) => a + Math.exp(b - mx), 0);
      loss[r] = Math.log(s) + mx - row[gold[r]];
      for (let j = 0; j < v; j++)
        dx[r * v + j] = (Math.exp(row[j] - mx) / s - (j === gold[r] ? 1 : 0)) * dy[r];
    }
    expectClose(m.get('loss'), loss, 1e-5, 1e-5);
    expectClose(m.get('dx'), dx, 1e-7, 1e-5);
    new Int32Array(m.buf, m.off.gold, rows)[3] = v;
    expect(() => f.softmaxNll(m.buf, o.x, o.gold, rows, v, o.loss, o.probs, 1)).toThrow(
      /softmaxNll gold\[3\] = 1003 is not in \[0, 1003\)/,
    );
  });

  it('softTargetNll (rectified smooth labels) and rowScale equal float64 for every kind of reference', () => {
    const [rows, v, alpha] = [4, 1001, 0.3];
    const x = lcg(rows * v, 21, 12);
    const refLogits = lcg(rows * v, 22, 9);
    // probabilities that do not sum to 1 (used as given) and a row of zeros
    const refProbs = lcg(rows * v, 23).map((u) => (u + 1) / v);
    refProbs.fill(0, 3 * v, 4 * v);
    const gold = Int32Array.from([0, 1000, 7, 500]);
    const dy = lcg(rows, 24, 3);
    for (const kind of [0, 1, 2] as const) {
      const ref = kind === 0 ? refProbs : refLogits;
      const m = heapOf({ x, ref, gold: rows, dy, loss: rows, grad: rows * v, dx: rows * v });
      new Int32Array(m.buf, m.off.gold, rows).set(gold);
      const o = m.off;
      f.softTargetNll(m.buf, o.x, o.gold, kind === 2 ? -1 : o.ref, rows, v, alpha, kind, o.loss, o.grad, 2);
      f.rowScale(m.buf, o.grad, o.dy, rows, v, o.dx, 2);
      const loss = new Float64Array(rows);
      const dx = new Float64Array(rows * v);
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * v, (r + 1) * v);
        const mx = Math.max(...row);
        const lse = Math.log(row.reduce((a, b) => a + Math.exp(b - mx), 0)) + mx;
        const rr = new Float64Array(v);
        if (kind === 0) rr.set(refProbs.subarray(r * v, (r + 1) * v));
        else if (kind === 2) rr.fill(1 / v);
        else {
          const lr = refLogits.subarray(r * v, (r + 1) * v);
          const m2 = Math.max(...lr);
          const s2 = lr.reduce((a, b) => a + Math.exp(b - m2), 0);
          for (let j = 0; j < v; j++) rr[j] = Math.exp(lr[j] - m2) / s2;
        }
        let sumQ = 0;
        for (let j = 0; j < v; j++) {
          const q = (1 - alpha) * (j === gold[r] ? 1 : 0) + alpha * rr[j];
          sumQ += q;
          loss[r] -= q * (row[j] - lse);
        }
        for (let j = 0; j < v; j++) {
          const q = (1 - alpha) * (j === gold[r] ? 1 : 0) + alpha * rr[j];
          dx[r * v + j] = (sumQ * Math.exp(row[j] - lse) - q) * dy[r];
        }
      }
      expectClose(m.get('loss'), loss, 1e-5, 1e-5);
      expectClose(m.get('dx'), dx, 1e-7, 1e-5);
    }
    const m = heapOf({ x, ref: refLogits, gold: rows, loss: rows, grad: rows * v });
    new Int32Array(m.buf, m.off.gold, rows).set(gold);
    const o = m.off;
    expect(() => f.softTargetNll(m.buf, o.x, o.gold, -1, rows, v, alpha, 1, o.loss, o.grad, 1)).toThrow(
      /ref must be given unless kind is 2/,
    );
    expect(() => f.softTargetNll(m.buf, o.x, o.gold, o.ref, rows, v, 1.5, 1, o.loss, o.grad, 1)).toThrow(
      /alpha must be in \[0, 1\]/,
    );
    expect(() => f.softTargetNll(m.buf, o.x, o.gold, o.ref, rows, v, alpha, 1, o.loss, o.x, 1)).toThrow(
      /grad overlaps x/,
    );
    new Int32Array(m.buf, m.off.gold, rows)[2] = -1;
    expect(() => f.softTargetNll(m.buf, o.x, o.gold, o.ref, rows, v, alpha, 1, o.loss, o.grad, 1)).toThrow(
      /softTargetNll gold\[2\] = -1 is not in \[0, 1001\)/,
    );
  });

  it('sumSquares equals the float64 sum of squares, the same on 1, 2 and 3 threads', () => {
    const n = 200_003; // several blocks and a partial one
    const x = lcg(n, 31, 3);
    let want = 0;
    for (let i = 0; i < n; i++) want += x[i] * x[i];
    const outs = [1, 2, 3].map((threads) => {
      const m = heapOf({ x, out: 1 });
      f.sumSquares(m.buf, m.off.x, n, m.off.out, threads);
      return m.get('out')[0];
    });
    expect(Math.abs(outs[0] - want)).toBeLessThanOrEqual(1e-6 * want);
    expect(outs[1]).toBe(outs[0]);
    expect(outs[2]).toBe(outs[0]);
    const m = heapOf({ x: x.subarray(0, 8), out: 1 });
    expect(() => f.sumSquares(m.buf, m.off.x, 8, m.off.x, 1)).toThrow(/out overlaps x/);
  });

  it('gives bit-identical results on 1, 2 and 3 threads', () => {
    const [rows, h] = [700, 96];
    const run = (threads: number) => {
      const m = heapOf({
        x: lcg(rows * h, 10, 2),
        g: lcg(h, 11),
        b: lcg(h, 12),
        dy: lcg(rows * h, 13),
        y: rows * h,
        xhat: rows * h,
        rstd: rows,
        dx: rows * h,
        dg: h,
        db: h,
        sm: rows * h,
        gl: rows * h,
        dm: rows * h,
        dmask: rows * h,
        cs: h,
      });
      const o = m.off;
      f.layerNorm(m.buf, o.x, -1, o.g, o.b, rows, h, 1e-12, o.y, o.xhat, o.rstd, threads);
      f.layerNormGrad(m.buf, o.dy, o.xhat, o.rstd, o.g, rows, h, o.dx, o.dg, o.db, threads);
      f.softmax(m.buf, o.x, -1, 1, rows, h, o.sm, threads);
      f.geluGrad(m.buf, o.dy, o.x, o.gl, rows * h, threads);
      f.dropout(m.buf, o.x, rows * h, 77, 429496729, 1 / 0.9, o.dm, o.dmask, threads);
      f.columnSum(m.buf, o.dy, rows, h, o.cs, threads);
      return m.heap;
    };
    const one = Buffer.from(run(1).buffer);
    expect(Buffer.from(run(2).buffer).equals(one)).toBe(true);
    expect(Buffer.from(run(3).buffer).equals(one)).toBe(true);
  });

  it('rejects bad arguments with a RangeError naming them', () => {
    const m = heapOf({ x: 64, y: 64, xhat: 64, rstd: 8, g: 8, b: 8 });
    const o = m.off;
    const ln = (over: Partial<Record<string, number>>) => () =>
      f.layerNorm(
        m.buf,
        over.x ?? o.x,
        -1,
        o.g,
        o.b,
        over.rows ?? 8,
        8,
        over.eps ?? 1e-5,
        over.y ?? o.y,
        o.xhat,
        o.rstd,
        2,
      );
    expect(ln({})).not.toThrow();
    expect(ln({ rows: 1e6 })).toThrow(/x reaches past the end/);
    expect(ln({ y: o.x + 4 })).toThrow(/y overlaps x/);
    expect(ln({ x: 2 })).toThrow(/x offset must be a multiple of 4/);
    expect(ln({ eps: 0 })).toThrow(/eps must be positive/);
    expect(ln({ eps: Number.NaN })).toThrow(/eps must be a finite number/);
    expect(() => f.softmax(m.buf, o.x, -1, 0, 8, 8, o.y, 1)).toThrow(/maskEvery must be positive/);
    expect(() => f.dropout(m.buf, o.x, 64, 2 ** 32, 0, 1, o.y, o.xhat, 1)).toThrow(/seed must be a uint32/);
    expect(() => f.dropout(m.buf, o.x, 64, 1, 0, 1, o.y, o.y, 1)).toThrow(/y overlaps mask/);
    expect(() => (f.gelu as (...a: unknown[]) => void)(m.buf, o.x, o.y, 64)).toThrow(/takes 5 arguments/);
    expect(() => f.gelu(new ArrayBuffer(8) as never, 0, 4, 1, 1)).not.toThrow();
    expect(() => f.gelu({} as ArrayBuffer, 0, 4, 1, 1)).toThrow(/needs an ArrayBuffer/);
  });
});

describe.skipIf(gemm == null)('the thread pool', () => {
  it('a batch of small products split over threads equals the serial loop bit for bit', () => {
    const [batch, mm, n, k] = [64, 128, 128, 64];
    const a = lcg(batch * mm * k, 14);
    const b = lcg(batch * n * k, 15);
    const run = (threads: number) => {
      const m = heapOf({ a, b, c: batch * mm * n });
      gemm!.gemm(m.buf, {
        m: mm,
        n,
        k,
        aOffset: m.off.a,
        bOffset: m.off.b,
        transB: true,
        cOffset: m.off.c,
        batch,
        aStride: mm * k * 4,
        bStride: n * k * 4,
        cStride: mm * n * 4,
        threads,
      });
      return m.get('c').slice();
    };
    const one = run(1);
    expect(one.every(Number.isFinite)).toBe(true);
    expect(Buffer.from(run(2).buffer).equals(Buffer.from(one.buffer))).toBe(true);
    // spot check against float64: product 37, element (5, 9)
    let s = 0;
    for (let q = 0; q < k; q++) s += a[37 * mm * k + 5 * k + q] * b[37 * n * k + 9 * k + q];
    expect(Math.abs(one[37 * mm * n + 5 * n + 9] - s)).toBeLessThan(1e-5);
  });

  it('two worker threads using it at once both get correct results', async () => {
    const url = new URL('../dist/native-gemm.js', import.meta.url).href;
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(url)}).then((mod) => {
        const f = mod.loadNativeGemm().fused;
        const rows = 4096, h = 64;
        const heap = new Float32Array(3 * rows * h + rows + 2 * h + 64);
        for (let i = 0; i < rows * h; i++) heap[i] = Math.sin(i);
        for (let j = 0; j < h; j++) { heap[rows * h + j] = 1; heap[rows * h + h + j] = 0; }
        const y = (rows * h + 2 * h) * 4, xhat = y + rows * h * 4, rstd = xhat + rows * h * 4;
        let worst = 0;
        for (let rep = 0; rep < 30; rep++) {
          f.layerNorm(heap.buffer, 0, -1, rows * h * 4, (rows * h + h) * 4, rows, h, 1e-5, y, xhat, rstd, 2);
          for (let r = 0; r < rows; r += 97) {
            let s = 0;
            for (let j = 0; j < h; j++) s += heap[y / 4 + r * h + j];
            worst = Math.max(worst, Math.abs(s));
          }
        }
        parentPort.postMessage(worst);
      }, (e) => parentPort.postMessage(String(e)));`;
    const run = () =>
      new Promise<unknown>((resolve, reject) => {
        const w = new Worker(code, { eval: true });
        w.once('message', (v) => w.terminate().then(() => resolve(v)));
        w.once('error', reject);
      });
    const got = await Promise.all([run(), run()]);
    for (const v of got) expect(v).toBeLessThan(1e-4); // each normalized row sums to ~0
  });
});
