import { createRequire } from 'node:module';

/** The raw addon call: see `NativeGemm.gemm` for the meaning of each argument. */
export type RawGemm = (
  buffer: ArrayBufferLike | ArrayBufferView,
  m: number,
  n: number,
  k: number,
  aOffset: number,
  lda: number,
  transA: boolean,
  bOffset: number,
  ldb: number,
  transB: boolean,
  cOffset: number,
  ldc: number,
  batch: number,
  aStride: number,
  bStride: number,
  cStride: number,
  biasOffset: number,
  relu: boolean,
  threads: number,
) => void;

/** One GEMM (or a strided batch of them) on float32 data in one buffer, addressed in bytes. */
export interface GemmParams {
  /** Rows of op(A) and of C. */
  m: number;
  /** Columns of op(B) and of C. */
  n: number;
  /** Columns of op(A) = rows of op(B). */
  k: number;
  /** Byte offset of A in the buffer (of the buffer's underlying ArrayBuffer for a view). */
  aOffset: number;
  /** Floats between rows of A as stored (default: k, or m when transA). */
  lda?: number;
  /** op(A) = Aᵀ: A is stored [k, m]. */
  transA?: boolean;
  bOffset: number;
  /** Floats between rows of B as stored (default: n, or k when transB). */
  ldb?: number;
  /** op(B) = Bᵀ: B is stored [n, k]. */
  transB?: boolean;
  /** Byte offset of C [m, n]; overwritten. Must not overlap A or B. */
  cOffset: number;
  /** Floats between rows of C (default n). */
  ldc?: number;
  /** Number of products (default 1); matrix i is at offset + i·stride. */
  batch?: number;
  /** Bytes between A matrices of the batch (0 reuses one A for every product). */
  aStride?: number;
  bStride?: number;
  cStride?: number;
  /** Byte offset of a float32 bias [n] added to every row of C, or undefined. */
  biasOffset?: number;
  /** Apply max(0, ·) after the bias. */
  relu?: boolean;
  /** Threads for one product (default 1); the split is fixed, so results do not depend on timing. */
  threads?: number;
}

/** Element-wise functions with a native vector implementation. */
export type UnaryOp = 'exp' | 'erf' | 'tanh';
const UNARY_CODES: Record<UnaryOp, number> = { exp: 0, erf: 1, tanh: 2 };

/** The raw addon call: out[i] = f(in[i]) for n float32 at byte offsets (in place allowed). */
export type RawUnary = (
  buffer: ArrayBufferLike,
  op: number,
  inOffset: number,
  outOffset: number,
  n: number,
) => void;

/**
 * The fused AdamW update on float32 data at byte offsets: m' = β₁m + (1−β₁)g; v' = β₂v + (1−β₂)g²;
 * p' = decay·p − stepSize·m' / (√v'/bc2Sqrt + eps). Outputs must not overlap any input.
 */
export type RawAdamW = (
  buffer: ArrayBufferLike,
  pOffset: number,
  gOffset: number,
  mOffset: number,
  vOffset: number,
  pOutOffset: number,
  mOutOffset: number,
  vOutOffset: number,
  n: number,
  stepSize: number,
  beta1: number,
  beta2: number,
  bc2Sqrt: number,
  eps: number,
  decay: number,
  gradScale: number,
  threads: number,
) => void;

/**
 * out = a op b on float32 data at byte offsets; op 0 add, 1 sub, 2 mul. Each operand has a
 * broadcast mode for output index i: 0 full (a[i], length n), 1 scalar (a[0]), 2 inner
 * (a[i % len]: a suffix of the output shape), 3 outer (a[i / (n / len)]: a prefix followed by ones).
 */
export type RawBinary = (
  buffer: ArrayBufferLike,
  op: number,
  aOffset: number,
  aMode: number,
  aLen: number,
  bOffset: number,
  bMode: number,
  bLen: number,
  outOffset: number,
  n: number,
  threads: number,
) => void;

/**
 * Fused element-wise kernels of an encoder step (float32, byte offsets into one buffer, outputs
 * must not overlap anything else; `threads` splits rows / blocks, never changing a result). A
 * negative offset marks an absent optional operand. See native/fused.h for the formulas.
 */
export interface RawFused {
  /** y = (x (+ res) − mean)·rstd·gamma + beta per row of h; also writes xhat and rstd [rows]. */
  layerNorm(
    buffer: ArrayBufferLike,
    xOffset: number,
    resOffset: number,
    gammaOffset: number,
    betaOffset: number,
    rows: number,
    h: number,
    eps: number,
    yOffset: number,
    xhatOffset: number,
    rstdOffset: number,
    threads: number,
  ): void;
  /** dx, dgamma, dbeta of layerNorm from dy, xhat, rstd and gamma. */
  layerNormGrad(
    buffer: ArrayBufferLike,
    dyOffset: number,
    xhatOffset: number,
    rstdOffset: number,
    gammaOffset: number,
    rows: number,
    h: number,
    dxOffset: number,
    dgammaOffset: number,
    dbetaOffset: number,
    threads: number,
  ): void;
  /** y = x·Φ(x) (exact GELU, erf form). */
  gelu(buffer: ArrayBufferLike, xOffset: number, yOffset: number, n: number, threads: number): void;
  /** dx = dy·(Φ(x) + x·φ(x)). */
  geluGrad(
    buffer: ArrayBufferLike,
    dyOffset: number,
    xOffset: number,
    dxOffset: number,
    n: number,
    threads: number,
  ): void;
  /** Softmax of each row of k of x + mask row (row / maskEvery); maskOffset < 0: no mask. */
  softmax(
    buffer: ArrayBufferLike,
    xOffset: number,
    maskOffset: number,
    maskEvery: number,
    rows: number,
    k: number,
    yOffset: number,
    threads: number,
  ): void;
  /** dx = y·(dy − Σ dy·y) per row of k. */
  softmaxGrad(
    buffer: ArrayBufferLike,
    dyOffset: number,
    yOffset: number,
    rows: number,
    k: number,
    dxOffset: number,
    threads: number,
  ): void;
  /**
   * out = x [d0, d1, d2, d3] permuted by [p0, p1, p2, p3] (4-byte elements: float32 or int32);
   * out's axis k is x's axis p_k.
   */
  transpose4(
    buffer: ArrayBufferLike,
    xOffset: number,
    outOffset: number,
    d0: number,
    d1: number,
    d2: number,
    d3: number,
    p0: number,
    p1: number,
    p2: number,
    p3: number,
    threads: number,
  ): void;
  /**
   * Cross-entropy per row of v logits (x [rows, v]) against int32 gold classes [rows] (each in
   * [0, v), checked): loss [rows] = logsumexp(x) − x[gold]; probs [rows, v] = softmax(x).
   */
  softmaxNll(
    buffer: ArrayBufferLike,
    xOffset: number,
    goldOffset: number,
    rows: number,
    v: number,
    lossOffset: number,
    probsOffset: number,
    threads: number,
  ): void;
  /** dx [rows, v] = (probs − onehot(gold))·dy[row]. */
  softmaxNllGrad(
    buffer: ArrayBufferLike,
    dyOffset: number,
    probsOffset: number,
    goldOffset: number,
    rows: number,
    v: number,
    dxOffset: number,
    threads: number,
  ): void;
  /**
   * Rectified smooth-label cross-entropy per row of x [rows, v] (the self-evolution loss): target
   * q = (1 − alpha)·onehot(gold) + alpha·r, where r is the row of ref [rows, v] as probabilities
   * (kind 0), softmax of ref (kind 1), or 1/v (kind 2, refOffset −1). loss [rows] = −Σ q·log
   * softmax(x); grad [rows, v] = ∂loss/∂x = (Σ q)·softmax(x) − q, kept for `rowScale`.
   */
  softTargetNll(
    buffer: ArrayBufferLike,
    xOffset: number,
    goldOffset: number,
    refOffset: number,
    rows: number,
    v: number,
    alpha: number,
    kind: 0 | 1 | 2,
    lossOffset: number,
    gradOffset: number,
    threads: number,
  ): void;
  /** dx [rows, v] = g[r, :]·dy[r] (the backward pass of a per-row loss that kept its gradient). */
  rowScale(
    buffer: ArrayBufferLike,
    gOffset: number,
    dyOffset: number,
    rows: number,
    v: number,
    dxOffset: number,
    threads: number,
  ): void;
  /** out[0] = Σ x[i]² over n floats (fixed blocks, accumulated in double): a squared L2 norm. */
  sumSquares(buffer: ArrayBufferLike, xOffset: number, n: number, outOffset: number, threads: number): void;
  /** out[j] = Σ_r x[r, j] for x [rows, cols] (column sums by fixed row blocks). */
  columnSum(
    buffer: ArrayBufferLike,
    xOffset: number,
    rows: number,
    cols: number,
    outOffset: number,
    threads: number,
  ): void;
  /**
   * Inverted dropout: the keep mask from @selfevo/utils' SeededRandom(seed) stream (element i kept
   * when its uint32 ≥ threshold), mask[i] = keep or 0, y = x·mask.
   */
  dropout(
    buffer: ArrayBufferLike,
    xOffset: number,
    n: number,
    seed: number,
    threshold: number,
    keep: number,
    yOffset: number,
    maskOffset: number,
    threads: number,
  ): void;
}

export interface NativeGemm {
  /** The micro-kernel in use: 'avx512' or 'avx2+fma'. */
  readonly isa: string;
  /** C = op(A)·op(B) (+ bias) (ReLU). Bad offsets or sizes throw a RangeError naming them. */
  gemm(buffer: ArrayBufferLike | ArrayBufferView, p: GemmParams): void;
  /** The same call without the options object, for hot loops. */
  readonly raw: RawGemm;
  /**
   * Vectorized exp / erf / tanh (glibc's libmvec, a few ulp), or undefined when libmvec is
   * missing (see `unaryUnavailableReason`).
   */
  readonly unary?: {
    apply(buffer: ArrayBufferLike, op: UnaryOp, inOffset: number, outOffset: number, n: number): void;
    readonly raw: RawUnary;
    readonly codes: Readonly<Record<UnaryOp, number>>;
  };
  readonly unaryUnavailableReason?: string;
  /** One vectorized pass of the AdamW update (what `SelfevoAdamW` runs on the wasm backend). */
  readonly adamw: RawAdamW;
  /** Vectorized add / sub / mul with scalar, suffix and prefix broadcasts. */
  readonly binary: RawBinary;
  /** Fused LayerNorm / GELU / softmax / dropout kernels; undefined when `unary` is (they need libmvec). */
  readonly fused?: RawFused;
}

interface Addon extends RawFused {
  gemm: RawGemm;
  adamw: RawAdamW;
  binary: RawBinary;
  unary: RawUnary;
  unaryUnavailableReason(): string;
  isa(): string;
}

let cached: { gemm?: NativeGemm; reason?: string } | undefined;

/**
 * The native GEMM, or undefined with `nativeGemmUnavailableReason()` saying why: the addon was
 * not built (no C++ toolchain at install), the CPU has neither AVX-512 nor AVX2+FMA, or
 * `SELFEVO_NATIVE_GEMM=0` turned it off.
 */
export function loadNativeGemm(): NativeGemm | undefined {
  if (cached == null) cached = load();
  return cached.gemm;
}

export function nativeGemmUnavailableReason(): string | undefined {
  if (cached == null) cached = load();
  return cached.reason;
}

function load(): { gemm?: NativeGemm; reason?: string } {
  if (typeof process === 'undefined' || process.versions?.node == null)
    return { reason: 'not running in Node.js' };
  if (process.env.SELFEVO_NATIVE_GEMM === '0') return { reason: 'SELFEVO_NATIVE_GEMM=0' };
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)('../build/Release/selfevo_gemm.node') as Addon;
  } catch (err) {
    return {
      reason:
        `the native GEMM addon is not built (${(err as Error).message.split('\n')[0]}): its install ` +
        'script did not run (npm 11 blocks unapproved install scripts: `npm install-scripts approve ' +
        '@selfevo/native-gemm`) or failed (it needs g++, make and python3); build it with ' +
        '`npm rebuild @selfevo/native-gemm`',
    };
  }
  const isa = addon.isa();
  if (isa === 'none') return { reason: 'this CPU has neither AVX-512 nor AVX2+FMA' };
  const raw = addon.gemm;
  const unaryReason = addon.unaryUnavailableReason();
  const rawUnary = addon.unary;
  const unary =
    unaryReason === ''
      ? {
          raw: rawUnary,
          codes: UNARY_CODES,
          apply(buffer: ArrayBufferLike, op: UnaryOp, inOffset: number, outOffset: number, n: number) {
            const code = UNARY_CODES[op];
            if (code === undefined) throw new RangeError(`native-gemm: unknown unary op '${op}'`);
            rawUnary(buffer, code, inOffset, outOffset, n);
          },
        }
      : undefined;
  return {
    gemm: {
      isa,
      raw,
      unary,
      unaryUnavailableReason: unary ? undefined : unaryReason,
      adamw: addon.adamw,
      binary: addon.binary,
      fused: unary
        ? {
            layerNorm: addon.layerNorm,
            layerNormGrad: addon.layerNormGrad,
            gelu: addon.gelu,
            geluGrad: addon.geluGrad,
            softmax: addon.softmax,
            softmaxGrad: addon.softmaxGrad,
            dropout: addon.dropout,
            columnSum: addon.columnSum,
            sumSquares: addon.sumSquares,
            softmaxNll: addon.softmaxNll,
            softmaxNllGrad: addon.softmaxNllGrad,
            softTargetNll: addon.softTargetNll,
            rowScale: addon.rowScale,
            transpose4: addon.transpose4,
          }
        : undefined,
      gemm(buffer, p) {
        const transA = p.transA ?? false;
        const transB = p.transB ?? false;
        raw(
          buffer,
          p.m,
          p.n,
          p.k,
          p.aOffset,
          p.lda ?? (transA ? p.m : p.k),
          transA,
          p.bOffset,
          p.ldb ?? (transB ? p.k : p.n),
          transB,
          p.cOffset,
          p.ldc ?? p.n,
          p.batch ?? 1,
          p.aStride ?? 0,
          p.bStride ?? 0,
          p.cStride ?? 0,
          p.biasOffset ?? -1,
          p.relu ?? false,
          p.threads ?? 1,
        );
      },
    },
  };
}
