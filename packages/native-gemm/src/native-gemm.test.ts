import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { type GemmParams, loadNativeGemm, nativeGemmUnavailableReason } from './native-gemm.js';

const gemm = loadNativeGemm();
const required = process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1';

it('loads (required where SELFEVO_REQUIRE_NATIVE_GEMM=1, as in CI)', () => {
  if (required) expect(gemm, nativeGemmUnavailableReason()).toBeDefined();
  console.log(`native-gemm isa ${gemm?.isa ?? 'none'}`);
  if (gemm) expect(['avx512', 'avx2+fma']).toContain(gemm.isa);
  else expect(nativeGemmUnavailableReason()).toMatch(/\w/);
});

/** Deterministic values in [-1, 1) (an LCG). */
function fill(out: Float32Array, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
}

type Case = { m: number; n: number; k: number; tA?: boolean; tB?: boolean; pad?: number; batch?: number };

/** Lay A, B, bias and C out in one heap with padding rows (ld > natural) and batch strides. */
function layout(c: Case, opts: { bias?: boolean; relu?: boolean; shareA?: boolean } = {}) {
  const pad = c.pad ?? 0;
  const batch = c.batch ?? 1;
  const tA = c.tA ?? false;
  const tB = c.tB ?? false;
  const lda = (tA ? c.m : c.k) + pad;
  const ldb = (tB ? c.k : c.n) + pad;
  const ldc = c.n + pad;
  const aRows = tA ? c.k : c.m;
  const bRows = tB ? c.n : c.k;
  const aSize = aRows * lda;
  const bSize = bRows * ldb;
  const cSize = c.m * ldc;
  const aCount = opts.shareA ? 1 : batch;
  const floats = 3 + aSize * aCount + bSize * batch + c.n + cSize * batch;
  const heap = new Float32Array(floats);
  fill(heap, c.m * 131 + c.n * 17 + c.k);
  const aOffset = 3 * 4;
  const bOffset = aOffset + aSize * aCount * 4;
  const biasOffset = bOffset + bSize * batch * 4;
  const cOffset = biasOffset + c.n * 4;
  heap.fill(Number.NaN, cOffset / 4); // C must be fully overwritten
  const p: GemmParams = {
    m: c.m,
    n: c.n,
    k: c.k,
    aOffset,
    lda,
    transA: tA,
    bOffset,
    ldb,
    transB: tB,
    cOffset,
    ldc,
    batch,
    aStride: opts.shareA ? 0 : aSize * 4,
    bStride: bSize * 4,
    cStride: cSize * 4,
    biasOffset: opts.bias ? biasOffset : undefined,
    relu: opts.relu,
  };
  return { heap, p };
}

/** Float64 reference of matrix `i` of the batch, [m, n] row-major. */
function reference(heap: Float32Array, p: GemmParams, i: number): Float64Array {
  const out = new Float64Array(p.m * p.n);
  const a0 = (p.aOffset + i * (p.aStride ?? 0)) / 4;
  const b0 = (p.bOffset + i * (p.bStride ?? 0)) / 4;
  for (let r = 0; r < p.m; r++)
    for (let j = 0; j < p.n; j++) {
      let s = 0;
      for (let q = 0; q < p.k; q++) {
        const a = p.transA ? heap[a0 + q * p.lda! + r] : heap[a0 + r * p.lda! + q];
        const b = p.transB ? heap[b0 + j * p.ldb! + q] : heap[b0 + q * p.ldb! + j];
        s += a * b;
      }
      if (p.biasOffset != null) s += heap[p.biasOffset / 4 + j];
      if (p.relu) s = Math.max(0, s);
      out[r * p.n + j] = s;
    }
  return out;
}

function check(heap: Float32Array, p: GemmParams): number {
  let worst = 0;
  for (let i = 0; i < (p.batch ?? 1); i++) {
    const ref = reference(heap, p, i);
    const c0 = (p.cOffset + i * (p.cStride ?? 0)) / 4;
    for (let r = 0; r < p.m; r++)
      for (let j = 0; j < p.n; j++) {
        const got = heap[c0 + r * p.ldc! + j];
        const want = ref[r * p.n + j];
        // Relative to the size of the sum's terms (√k), as float32 rounding grows.
        const d = Math.abs(got - want) / Math.max(1, Math.sqrt(p.k));
        if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      }
  }
  return worst;
}

const cases: Case[] = [
  { m: 1, n: 1, k: 1 },
  { m: 1, n: 1000, k: 64 }, // colSum-like: a row times a matrix
  { m: 7, n: 5, k: 3, tA: true },
  { m: 12, n: 32, k: 256 }, // exactly one AVX-512 tile and one k block
  { m: 13, n: 33, k: 257, tB: true }, // one past each
  { m: 37, n: 19, k: 600, tA: true, tB: true, pad: 3 }, // several k blocks, padded rows
  { m: 200, n: 70, k: 48, pad: 5 },
  { m: 300, n: 2100, k: 9, tB: true }, // more than one NC block
  { m: 16, n: 24, k: 40, batch: 5, tB: true },
  { m: 9, n: 11, k: 13, batch: 3, tA: true, pad: 2 },
];

describe.skipIf(gemm == null)('native GEMM equals a float64 reference', () => {
  for (const c of cases) {
    const name = `${c.m}×${c.k} · ${c.k}×${c.n}${c.tA ? ' tA' : ''}${c.tB ? ' tB' : ''}${c.pad ? ` pad ${c.pad}` : ''}${c.batch ? ` batch ${c.batch}` : ''}`;
    it(name, () => {
      const { heap, p } = layout(c);
      gemm!.gemm(heap, p);
      expect(check(heap, p)).toBeLessThan(2e-6);
    });
  }

  it('adds the bias and applies ReLU, and broadcasts A over the batch (stride 0)', () => {
    const { heap, p } = layout({ m: 29, n: 45, k: 70, batch: 3 }, { bias: true, relu: true, shareA: true });
    gemm!.gemm(heap, p);
    expect(check(heap, p)).toBeLessThan(2e-6);
    const out = heap.subarray(p.cOffset / 4);
    expect(out.some((v) => v === 0)).toBe(true); // ReLU did cut
    expect(out.every((v) => v >= 0)).toBe(true);
  });

  it('k = 0 gives zeros (plus bias); m = 0 or batch = 0 writes nothing', () => {
    const { heap, p } = layout({ m: 4, n: 6, k: 0 }, { bias: true });
    gemm!.gemm(heap, p);
    expect(check(heap, p)).toBe(0);
    const empty = layout({ m: 0, n: 6, k: 5 });
    gemm!.gemm(empty.heap, empty.p);
    const none = layout({ m: 3, n: 3, k: 3 });
    gemm!.gemm(none.heap, { ...none.p, batch: 0 });
    expect(Number.isNaN(none.heap[none.p.cOffset / 4])).toBe(true);
  });

  it('two threads give bit-identical results to one (split over N and over M)', () => {
    for (const c of [
      { m: 64, n: 1500, k: 300, tB: true },
      { m: 900, n: 40, k: 200, tA: true },
    ]) {
      const one = layout(c);
      gemm!.gemm(one.heap, { ...one.p, threads: 1 });
      const two = layout(c);
      gemm!.gemm(two.heap, { ...two.p, threads: 2 });
      expect(Buffer.from(two.heap.buffer).equals(Buffer.from(one.heap.buffer))).toBe(true);
    }
  });

  it('works on a view: offsets are into the view’s underlying ArrayBuffer', () => {
    const { heap, p } = layout({ m: 5, n: 6, k: 7 });
    gemm!.gemm(heap.subarray(10), p);
    expect(check(heap, p)).toBeLessThan(2e-6);
  });

  it('rejects out-of-range, overlapping and misaligned arguments with a RangeError naming them', () => {
    const { heap, p } = layout({ m: 8, n: 8, k: 8 });
    const bytes = heap.byteLength;
    expect(() => gemm!.gemm(heap, { ...p, aOffset: bytes - 16 })).toThrow(/A \(offset .*past the end/);
    expect(() => gemm!.gemm(heap, { ...p, bOffset: bytes })).toThrow(/B .*past the end/);
    expect(() => gemm!.gemm(heap, { ...p, cOffset: bytes - 4 })).toThrow(/C .*past the end/);
    expect(() => gemm!.gemm(heap, { ...p, batch: 3 })).toThrow(/past the end/);
    expect(() => gemm!.gemm(heap, { ...p, cOffset: p.aOffset })).toThrow(/overlaps input A/);
    expect(() => gemm!.gemm(heap, { ...p, aOffset: 2 })).toThrow(/aOffset must be a multiple of 4/);
    expect(() => gemm!.gemm(heap, { ...p, lda: 3 })).toThrow(/lda is smaller/);
    expect(() => gemm!.gemm(heap, { ...p, m: -1 })).toThrow(/m must be a non-negative integer/);
    expect(() => gemm!.gemm(heap, { ...p, k: 1.5 })).toThrow(/k must be a non-negative integer/);
    expect(() => gemm!.gemm(heap, { ...p, batch: 2, aStride: 0, bStride: 0, cStride: 4 })).toThrow(/cStride/);
    expect(() => gemm!.gemm({} as ArrayBuffer, p)).toThrow(/ArrayBuffer or a typed array/);
    expect(() => gemm!.gemm(heap, { ...p, biasOffset: bytes })).toThrow(/bias reaches past/);
  });

  it('rejects extents that overflow 64-bit arithmetic instead of wrapping past the bounds check', () => {
    const { heap, p } = layout({ m: 8, n: 8, k: 8 });
    const big = 2 ** 32; // (big + 1 − 1) · big = 2^64 wraps to 0 in int64
    // A, B and C extents all wrap to a few bytes: without checked arithmetic this passes the
    // bounds check and the kernel walks 2^32 rows off the heap.
    const huge = { ...p, m: big + 1, n: 1, k: 1, lda: big, ldb: 1, ldc: big, threads: 1 };
    expect(() => gemm!.gemm(heap, huge)).toThrow(/extent \(rows × ld\) overflows 64-bit/);
    const batched = { ...p, batch: big + 1, aStride: big, bStride: 0, cStride: big };
    expect(() => gemm!.gemm(heap, batched)).toThrow(/A extent \(batch × stride\) overflows 64-bit/);
    const tallC = { ...p, m: 2 ** 40, n: 1, k: 1, lda: 1, ldb: 1, ldc: 2 ** 40 };
    expect(() => gemm!.gemm(heap, tallC)).toThrow(/overflows 64-bit/);
  });

  // On an AVX-512 machine the AVX2 micro-kernel would otherwise go untested: run the reference
  // cases again in a child process that selects it.
  it.skipIf(gemm?.isa !== 'avx512' || process.env.SELFEVO_GEMM_ISA != null)(
    'the AVX2 kernels pass the same cases (child process with SELFEVO_GEMM_ISA=avx2)',
    () => {
      const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
      const vitest = join(
        dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
        'vitest.mjs',
      );
      const r = spawnSync(
        process.execPath,
        [vitest, 'run', 'src/native-gemm.test.ts', '-t', 'loads|native GEMM equals a float64 reference'],
        {
          cwd: pkg,
          env: { ...process.env, SELFEVO_GEMM_ISA: 'avx2', NO_COLOR: '1', FORCE_COLOR: '0' },
          encoding: 'utf8',
        },
      );
      const out = r.stdout + r.stderr;
      expect(r.status, out).toBe(0);
      expect(out).toMatch(/native-gemm isa avx2\+fma/);
      // the load check plus every GEMM reference case, none failed
      const passed = Number(/Tests\s+(\d+) passed/.exec(out)?.[1] ?? 0);
      expect(passed).toBeGreaterThanOrEqual(cases.length + 5);
      expect(out).not.toMatch(/failed/);
    },
    120_000,
  );

  it('loads and runs inside a worker thread (context-aware addon)', async () => {
    const url = new URL('../dist/native-gemm.js', import.meta.url).href;
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(url)}).then((m) => {
        const g = m.loadNativeGemm();
        const h = new Float32Array([1, 2, 3, 4, 5, 6, 0, 0]); // A [1,2], B [2,2] → C [1,2] at 6
        g.gemm(h, { m: 1, n: 2, k: 2, aOffset: 0, bOffset: 8, cOffset: 24 });
        parentPort.postMessage(Array.from(h.subarray(6)));
      }, (e) => parentPort.postMessage(String(e)));`;
    const w = new Worker(code, { eval: true });
    const got = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(got).toEqual([1 * 3 + 2 * 5, 1 * 4 + 2 * 6]);
  });
});

describe.skipIf(gemm == null)('native exp / erf / tanh (libmvec)', () => {
  it('is available where the GEMM is required (glibc ≥ 2.35 on the CI machine)', () => {
    if (required) expect(gemm!.unary, gemm!.unaryUnavailableReason).toBeDefined();
  });

  /** erf to double precision (Abramowitz–Stegun 7.1.26 is too coarse to judge float32 with). */
  function erf64(x: number): number {
    // Series for |x| < 2.5, continued fraction (Lentz) beyond.
    if (Number.isNaN(x)) return x;
    const ax = Math.abs(x);
    if (ax === Infinity) return Math.sign(x);
    if (ax < 2.5) {
      let sum = ax;
      let term = ax;
      for (let k = 1; k < 200; k++) {
        term *= (-ax * ax) / k;
        const add = term / (2 * k + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      }
      return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
    }
    let f = ax;
    let c = ax;
    let d = 0;
    for (let k = 1; k < 300; k++) {
      const a = k / 2;
      d = ax + a * d;
      d = 1 / d;
      c = ax + a / c;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    return Math.sign(x) * (1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f));
  }

  const refs = { exp: Math.exp, erf: erf64, tanh: Math.tanh } as const;
  for (const op of ['exp', 'erf', 'tanh'] as const) {
    it(`${op}: within 4 ulp of a double reference, tails and special values included`, () => {
      const u = gemm!.unary;
      if (!u) return;
      const vals = [0, -0, 1e-30, -1e-8, 0.5, -3.25, 10, -10, 88.5, 89, -104, -200, Infinity, -Infinity, NaN];
      const xs = new Float32Array(1003 + vals.length); // not a multiple of 16: exercises the tail
      fill(xs, 99);
      for (let i = 0; i < 1003; i++) xs[i] *= op === 'exp' ? 40 : 5;
      xs.set(vals, 1003);
      const heap = new Float32Array(xs.length * 2);
      heap.set(xs);
      u.apply(heap.buffer, op, 0, xs.length * 4, xs.length);
      let worstUlp = 0;
      for (let i = 0; i < xs.length; i++) {
        const got = heap[xs.length + i];
        const want = Math.fround(refs[op](xs[i]));
        if (Number.isNaN(want)) {
          expect(got).toBeNaN();
          continue;
        }
        if (!Number.isFinite(want) || want === 0) {
          expect(got).toBe(want);
          continue;
        }
        const ulp = Math.abs(want) * 2 ** -23 + 1.4e-45;
        worstUlp = Math.max(worstUlp, Math.abs(got - want) / ulp);
      }
      expect(worstUlp).toBeLessThanOrEqual(4);
    });
  }

  it('works in place, and rejects bad offsets and partial overlaps', () => {
    const u = gemm!.unary;
    if (!u) return;
    const h = new Float32Array([0, 1, 2, 3]);
    u.apply(h.buffer, 'exp', 0, 0, 4);
    for (let i = 0; i < 4; i++) expect(h[i]).toBeCloseTo(Math.exp(i), 5);
    expect(() => u.apply(h.buffer, 'exp', 0, 4, 3)).toThrow(/partly overlap/);
    expect(() => u.apply(h.buffer, 'exp', 0, 8, 4)).toThrow(/past the end/);
    expect(() => u.apply(h.buffer, 'exp', 2, 0, 1)).toThrow(/multiples of 4/);
    expect(() => u.raw(h.buffer, 7, 0, 0, 1)).toThrow(/op must be/);
  });
});

describe.skipIf(gemm == null)('native fused AdamW', () => {
  it('equals the float64 formula (relative 1e-6) over a length that is not a multiple of 16, split over 2 threads', () => {
    const n = 140_001; // three blocks of the threaded split
    const heap = new Float32Array(7 * n);
    fill(heap.subarray(0, 4 * n), 5);
    for (let i = 3 * n; i < 4 * n; i++) heap[i] = Math.abs(heap[i]) * 1e-3; // v ≥ 0
    const [stepSize, b1, b2, bc2, eps, decay] = [
      1e-3 / 0.1,
      0.9,
      0.999,
      Math.sqrt(1 - 0.999),
      1e-8,
      1 - 1e-5,
    ];
    gemm!.adamw(
      heap.buffer,
      0,
      4 * n,
      8 * n,
      12 * n,
      16 * n,
      20 * n,
      24 * n,
      n,
      stepSize,
      b1,
      b2,
      bc2,
      eps,
      decay,
      0.5, // gradScale: the gradient is used halved (global-norm clipping)
      2,
    );
    for (let i = 0; i < n; i++) {
      const [p, g2, m, v] = [heap[i], heap[n + i], heap[2 * n + i], heap[3 * n + i]];
      const g = g2 * 0.5;
      const m1 = b1 * m + (1 - b1) * g;
      const v1 = b2 * v + (1 - b2) * g * g;
      const p1 = decay * p - (stepSize * m1) / (Math.sqrt(v1) / bc2 + eps);
      expect(heap[5 * n + i]).toBeCloseTo(m1, 6);
      expect(Math.abs(heap[6 * n + i] - v1)).toBeLessThanOrEqual(1e-6 * v1 + 1e-12);
      expect(Math.abs(heap[4 * n + i] - p1)).toBeLessThanOrEqual(1e-6 * Math.abs(p1) + 1e-7);
    }
  });

  it('rejects overlapping outputs, bad offsets and non-finite hyper-parameters', () => {
    const h = new Float32Array(70);
    const ok = [0, 40, 80, 120, 160, 200, 240, 10, 0.1, 0.9, 0.99, 0.1, 1e-8, 1, 1, 1] as const;
    const call = (...over: [number, number][]) => {
      const a: number[] = [...ok];
      for (const [i, x] of over) a[i] = x;
      return () => (gemm!.adamw as (...x: unknown[]) => void)(h.buffer, ...a);
    };
    expect(call()).not.toThrow();
    expect(call([4, 0])).toThrow(/pOutOffset overlaps pOffset/);
    expect(call([6, 280])).toThrow(/vOutOffset range reaches past the end/);
    expect(call([1, 2])).toThrow(/gOffset must be a multiple of 4/);
    expect(call([9, Number.NaN])).toThrow(/beta1 must be a finite number/);
    expect(call([14, Number.POSITIVE_INFINITY])).toThrow(/gradScale must be a finite number/);
    expect((gemm!.adamw as (...x: unknown[]) => void).bind(null, h.buffer, ...ok.slice(0, 14))).toThrow(
      /adamw takes 17 arguments/,
    );
  });
});

describe.skipIf(gemm == null)('native add / sub / mul with broadcasts', () => {
  const R = 37;
  const C = 41; // n = 1517: no multiple of any vector width
  const n = R * C;
  // [mode, length, index into the operand for output index i]
  const modes: [number, number, (i: number) => number][] = [
    [0, n, (i) => i],
    [1, 1, () => 0],
    [2, C, (i) => i % C],
    [3, R, (i) => Math.floor(i / C)],
  ];
  const ops: [number, (x: number, y: number) => number][] = [
    [0, (x, y) => x + y],
    [1, (x, y) => x - y],
    [2, (x, y) => x * y],
  ];
  for (const [op, f] of ops)
    for (const [aMode, aLen, ai] of modes)
      for (const [bMode, bLen, bi] of modes)
        it(`op ${op}, a mode ${aMode}, b mode ${bMode}, 1 and 3 threads`, () => {
          for (const threads of [1, 3]) {
            const heap = new Float32Array(aLen + bLen + n);
            fill(heap, op * 100 + aMode * 10 + bMode);
            heap.fill(Number.NaN, aLen + bLen);
            gemm!.binary(
              heap.buffer,
              op,
              0,
              aMode,
              aLen,
              aLen * 4,
              bMode,
              bLen,
              (aLen + bLen) * 4,
              n,
              threads,
            );
            for (let i = 0; i < n; i++)
              expect(heap[aLen + bLen + i]).toBe(Math.fround(f(heap[ai(i)], heap[aLen + bi(i)])));
          }
        });

  it('splits a large output over threads with identical results', () => {
    const big = 1 << 21;
    const heap = new Float32Array(3 * big + 2 * big);
    fill(heap, 77);
    gemm!.binary(heap.buffer, 2, 0, 0, big, big * 4, 0, big, 3 * big * 4, big, 1);
    const one = heap.slice(3 * big, 4 * big);
    gemm!.binary(heap.buffer, 2, 0, 0, big, big * 4, 0, big, 4 * big * 4, big, 2);
    expect(Buffer.from(heap.buffer, 4 * big * 4, big * 4).equals(Buffer.from(one.buffer))).toBe(true);
  });

  it('rejects modes that do not fit, overlaps and out-of-range offsets', () => {
    const h = new Float32Array(64);
    expect(() => gemm!.binary(h.buffer, 0, 0, 0, 10, 40, 0, 10, 80, 11, 1)).toThrow(
      /a has mode 0 and length 10/,
    );
    expect(() => gemm!.binary(h.buffer, 0, 0, 2, 3, 40, 1, 1, 80, 10, 1)).toThrow(
      /a has mode 2 and length 3/,
    );
    expect(() => gemm!.binary(h.buffer, 0, 0, 0, 10, 40, 0, 10, 20, 10, 1)).toThrow(/out overlaps a/);
    expect(() => gemm!.binary(h.buffer, 0, 0, 0, 10, 40, 0, 10, 240, 10, 1)).toThrow(
      /out reaches past the end/,
    );
    expect(() => gemm!.binary(h.buffer, 5, 0, 0, 10, 40, 0, 10, 80, 10, 1)).toThrow(/op must be/);
  });
});
