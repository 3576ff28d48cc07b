import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel, util } from '@tensorflow/tfjs-core';
import { nativeGemm } from './native-gemm-state.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

/*
 * The fused encoder kernels @selfevo/encoder-model's ops look for (names and contracts in its
 * fused-kernels.ts): LayerNorm (with the residual add) and its gradient, the erf GELU and its
 * gradient, the masked softmax and its gradient, dropout with its mask drawn natively from the
 * SeededRandom stream, column sums (bias gradients), and @selfevo/smooth-label-loss's softmax
 * cross-entropy (`SelfevoSoftmaxNll`: per-row loss and the softmax kept for its gradient) and
 * rectified smooth-label loss (`SelfevoSoftTargetNll`: per-row loss and its gradient, scaled by
 * `SelfevoRowScale` in the backward pass). Each is one native pass over the wasm heap
 * (@selfevo/native-gemm), split over the GEMM threads. They are registered only while the native code is in use (Node with the
 * addon built): elsewhere the ops run their tfjs-op chains, which the wasm backend already has.
 */

type Args = { inputs: Record<string, TensorInfo | undefined>; attrs: NamedAttrMap; backend: unknown };

function fail(kernel: string, msg: string): never {
  throw new Error(`${kernel} (wasm): ${msg}`);
}

/** The float32 input `name`, checked. */
function input(kernel: string, args: Args, name: string): TensorInfo {
  const t = args.inputs[name];
  if (t == null) fail(kernel, `input ${name} is missing`);
  if (t.dtype !== 'float32') fail(kernel, `input ${name} must be float32, got ${t.dtype}`);
  return t;
}

function sameShape(kernel: string, a: TensorInfo, b: TensorInfo, what: string): void {
  if (!util.arraysEqual(a.shape, b.shape))
    fail(kernel, `${what} has shape [${b.shape}], expected [${a.shape}]`);
}

function native(kernel: string) {
  const g = nativeGemm();
  if (g?.fused == null)
    fail(kernel, 'the native kernels are not in use (registerWasmBackend turned them off)');
  return { fused: g.fused, threads: g.threads };
}

/** Byte offsets on the heap, read after every output exists (makeOutput may grow the heap). */
function offsets(backend: WasmBackendLike, ts: (TensorInfo | undefined)[]): number[] {
  return ts.map((t) => (t == null ? -1 : tensorData(backend, t).memoryOffset));
}

const LN = 'SelfevoLayerNorm';
function layerNorm(args: Args): TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const x = input(LN, args, 'x');
  const gamma = input(LN, args, 'gamma');
  const beta = input(LN, args, 'beta');
  const residual = args.inputs.residual == null ? undefined : input(LN, args, 'residual');
  const eps = Number(args.attrs.eps);
  if (!(eps > 0)) fail(LN, `attr eps must be a positive number, got ${args.attrs.eps}`);
  if (x.shape.length < 1) fail(LN, 'x must have at least one axis');
  const h = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape) / Math.max(1, h);
  if (util.sizeFromShape(gamma.shape) !== h || util.sizeFromShape(beta.shape) !== h)
    fail(LN, `gamma and beta must have ${h} elements, got [${gamma.shape}] and [${beta.shape}]`);
  if (residual) sameShape(LN, x, residual, 'residual');
  const { fused, threads } = native(LN);
  const y = backend.makeOutput(x.shape, 'float32');
  const xhat = backend.makeOutput(x.shape, 'float32');
  const rstd = backend.makeOutput([rows], 'float32');
  if (rows > 0 && h > 0) {
    const [xo, ro, go, bo, yo, xho, rso] = offsets(backend, [x, residual, gamma, beta, y, xhat, rstd]);
    fused.layerNorm(backend.wasm.HEAPU8.buffer, xo, ro, go, bo, rows, h, eps, yo, xho, rso, threads);
  }
  return [y, xhat, rstd];
}

const LNG = 'SelfevoLayerNormGrad';
function layerNormGrad(args: Args): TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const dy = input(LNG, args, 'dy');
  const xhat = input(LNG, args, 'xhat');
  const rstd = input(LNG, args, 'rstd');
  const gamma = input(LNG, args, 'gamma');
  sameShape(LNG, dy, xhat, 'xhat');
  const h = dy.shape[dy.shape.length - 1] ?? 0;
  const rows = util.sizeFromShape(dy.shape) / Math.max(1, h);
  if (util.sizeFromShape(rstd.shape) !== rows)
    fail(LNG, `rstd must have ${rows} elements, got [${rstd.shape}]`);
  if (util.sizeFromShape(gamma.shape) !== h) fail(LNG, `gamma must have ${h} elements, got [${gamma.shape}]`);
  const { fused, threads } = native(LNG);
  const dx = backend.makeOutput(dy.shape, 'float32');
  const dgamma = backend.makeOutput([h], 'float32');
  const dbeta = backend.makeOutput([h], 'float32');
  if (h > 0) {
    const [dyo, xo, ro, go, dxo, dgo, dbo] = offsets(backend, [dy, xhat, rstd, gamma, dx, dgamma, dbeta]);
    fused.layerNormGrad(backend.wasm.HEAPU8.buffer, dyo, xo, ro, go, rows, h, dxo, dgo, dbo, threads);
  }
  return [dx, dgamma, dbeta];
}

const GELU = 'SelfevoGelu';
function gelu(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = input(GELU, args, 'x');
  const { fused, threads } = native(GELU);
  const y = backend.makeOutput(x.shape, 'float32');
  const n = util.sizeFromShape(x.shape);
  if (n > 0) {
    const [xo, yo] = offsets(backend, [x, y]);
    fused.gelu(backend.wasm.HEAPU8.buffer, xo, yo, n, threads);
  }
  return y;
}

const GELUG = 'SelfevoGeluGrad';
function geluGrad(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = input(GELUG, args, 'dy');
  const x = input(GELUG, args, 'x');
  sameShape(GELUG, dy, x, 'x');
  const { fused, threads } = native(GELUG);
  const dx = backend.makeOutput(x.shape, 'float32');
  const n = util.sizeFromShape(x.shape);
  if (n > 0) {
    const [dyo, xo, dxo] = offsets(backend, [dy, x, dx]);
    fused.geluGrad(backend.wasm.HEAPU8.buffer, dyo, xo, dxo, n, threads);
  }
  return dx;
}

const SM = 'SelfevoSoftmax';
function softmax(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = input(SM, args, 'x');
  const mask = args.inputs.mask == null ? undefined : input(SM, args, 'mask');
  if (x.shape.length < 1) fail(SM, 'x must have at least one axis');
  const k = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape) / Math.max(1, k);
  let every = 1;
  if (mask) {
    // [B, 1, …, 1, K] against x [B, …, K]: one mask row per leading index.
    const ok =
      mask.shape.length === x.shape.length &&
      mask.shape[0] === x.shape[0] &&
      mask.shape[mask.shape.length - 1] === k &&
      mask.shape.slice(1, -1).every((d) => d === 1);
    if (!ok)
      fail(SM, `mask has shape [${mask.shape}]; expected [${x.shape[0]}, 1, …, 1, ${k}] for x [${x.shape}]`);
    every = Math.max(1, rows / Math.max(1, x.shape[0]));
  }
  const { fused, threads } = native(SM);
  const y = backend.makeOutput(x.shape, 'float32');
  if (rows > 0 && k > 0) {
    const [xo, mo, yo] = offsets(backend, [x, mask, y]);
    fused.softmax(backend.wasm.HEAPU8.buffer, xo, mo, every, rows, k, yo, threads);
  }
  return y;
}

const SMG = 'SelfevoSoftmaxGrad';
function softmaxGrad(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = input(SMG, args, 'dy');
  const y = input(SMG, args, 'y');
  sameShape(SMG, y, dy, 'dy');
  const k = y.shape[y.shape.length - 1] ?? 0;
  const rows = util.sizeFromShape(y.shape) / Math.max(1, k);
  const { fused, threads } = native(SMG);
  const dx = backend.makeOutput(y.shape, 'float32');
  if (rows > 0 && k > 0) {
    const [dyo, yo, dxo] = offsets(backend, [dy, y, dx]);
    fused.softmaxGrad(backend.wasm.HEAPU8.buffer, dyo, yo, rows, k, dxo, threads);
  }
  return dx;
}

const DO = 'SelfevoDropout';
function dropout(args: Args): TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const x = input(DO, args, 'x');
  const { seed, threshold, keep } = args.attrs as Record<string, number>;
  const uint32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (!uint32(seed)) fail(DO, `attr seed must be a uint32, got ${seed}`);
  if (!uint32(threshold)) fail(DO, `attr threshold must be a uint32, got ${threshold}`);
  if (!(Number.isFinite(keep) && keep >= 1)) fail(DO, `attr keep must be a finite number >= 1, got ${keep}`);
  const { fused, threads } = native(DO);
  const y = backend.makeOutput(x.shape, 'float32');
  const mask = backend.makeOutput(x.shape, 'float32');
  const n = util.sizeFromShape(x.shape);
  if (n > 0) {
    const [xo, yo, mo] = offsets(backend, [x, y, mask]);
    fused.dropout(backend.wasm.HEAPU8.buffer, xo, n, seed, threshold, keep, yo, mo, threads);
  }
  return [y, mask];
}

const CS = 'SelfevoColumnSum';
function columnSum(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = input(CS, args, 'x');
  if (x.shape.length !== 2) fail(CS, `x must be 2-D, got [${x.shape}]`);
  const [rows, cols] = x.shape;
  const { fused, threads } = native(CS);
  const out = backend.makeOutput([cols], 'float32');
  if (cols > 0) {
    const [xo, oo] = offsets(backend, [x, out]);
    fused.columnSum(backend.wasm.HEAPU8.buffer, xo, rows, cols, oo, threads);
  }
  return out;
}

const SS = 'SelfevoSumSquares';
/** {x} (any shape) → scalar Σ x². */
function sumSquares(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = input(SS, args, 'x');
  const n = util.sizeFromShape(x.shape);
  const { fused, threads } = native(SS);
  const out = backend.makeOutput([], 'float32');
  const [xo, oo] = offsets(backend, [n > 0 ? x : undefined, out]);
  if (n > 0) fused.sumSquares(backend.wasm.HEAPU8.buffer, xo, n, oo, threads);
  else new Float32Array(backend.wasm.HEAPU8.buffer, oo, 1)[0] = 0;
  return out;
}

const NLL = 'SelfevoSoftmaxNll';
/** The int32 gold classes [rows] of a softmax-NLL kernel, checked. */
function gold(kernel: string, args: Args, rows: number): TensorInfo {
  const g = args.inputs.gold;
  if (g == null) fail(kernel, 'input gold is missing');
  if (g.dtype !== 'int32') fail(kernel, `input gold must be int32, got ${g.dtype}`);
  if (util.sizeFromShape(g.shape) !== rows) fail(kernel, `gold must have ${rows} elements, got [${g.shape}]`);
  return g;
}

function softmaxNll(args: Args): TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const x = input(NLL, args, 'x');
  if (x.shape.length !== 2) fail(NLL, `x must be 2-D, got [${x.shape}]`);
  const [rows, v] = x.shape;
  const g = gold(NLL, args, rows);
  const { fused, threads } = native(NLL);
  const loss = backend.makeOutput([rows], 'float32');
  const probs = backend.makeOutput(x.shape, 'float32');
  if (rows > 0) {
    if (v === 0) fail(NLL, 'x has no classes');
    const [xo, go, lo, po] = offsets(backend, [x, g, loss, probs]);
    fused.softmaxNll(backend.wasm.HEAPU8.buffer, xo, go, rows, v, lo, po, threads);
  }
  return [loss, probs];
}

const NLLG = 'SelfevoSoftmaxNllGrad';
function softmaxNllGrad(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = input(NLLG, args, 'dy');
  const probs = input(NLLG, args, 'probs');
  if (probs.shape.length !== 2) fail(NLLG, `probs must be 2-D, got [${probs.shape}]`);
  const [rows, v] = probs.shape;
  if (util.sizeFromShape(dy.shape) !== rows) fail(NLLG, `dy must have ${rows} elements, got [${dy.shape}]`);
  const g = gold(NLLG, args, rows);
  const { fused, threads } = native(NLLG);
  const dx = backend.makeOutput(probs.shape, 'float32');
  if (rows > 0 && v > 0) {
    const [dyo, po, go, dxo] = offsets(backend, [dy, probs, g, dx]);
    fused.softmaxNllGrad(backend.wasm.HEAPU8.buffer, dyo, po, go, rows, v, dxo, threads);
  }
  return dx;
}

const STN = 'SelfevoSoftTargetNll';
const REFERENCE_KINDS = { probs: 0, logits: 1, uniform: 2 } as const;
/** Rectified smooth labels: {x [K, V], gold int32 [K], ref [K, V] unless uniform} → [loss [K], grad [K, V]]. */
function softTargetNll(args: Args): TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const x = input(STN, args, 'x');
  if (x.shape.length !== 2) fail(STN, `x must be 2-D, got [${x.shape}]`);
  const [rows, v] = x.shape;
  const g = gold(STN, args, rows);
  const alpha = Number(args.attrs.alpha);
  if (!(alpha >= 0 && alpha <= 1)) fail(STN, `attr alpha must be in [0, 1], got ${args.attrs.alpha}`);
  const reference = String(args.attrs.reference);
  if (!Object.hasOwn(REFERENCE_KINDS, reference))
    fail(STN, `attr reference must be 'probs', 'logits' or 'uniform', got ${args.attrs.reference}`);
  const kind = REFERENCE_KINDS[reference as keyof typeof REFERENCE_KINDS];
  let ref: TensorInfo | undefined;
  if (kind === 2) {
    if (args.inputs.ref != null) fail(STN, `input ref must be absent for the uniform reference`);
  } else {
    ref = input(STN, args, 'ref');
    sameShape(STN, x, ref, 'ref');
  }
  const { fused, threads } = native(STN);
  const loss = backend.makeOutput([rows], 'float32');
  const grad = backend.makeOutput(x.shape, 'float32');
  if (rows > 0) {
    if (v === 0) fail(STN, 'x has no classes');
    const [xo, go, ro, lo, gro] = offsets(backend, [x, g, ref, loss, grad]);
    fused.softTargetNll(backend.wasm.HEAPU8.buffer, xo, go, ro, rows, v, alpha, kind, lo, gro, threads);
  }
  return [loss, grad];
}

const RS = 'SelfevoRowScale';
/** {g [K, V], dy [K]} → dx [K, V] = g[k, :]·dy[k]. */
function rowScale(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const g = input(RS, args, 'g');
  const dy = input(RS, args, 'dy');
  if (g.shape.length !== 2) fail(RS, `g must be 2-D, got [${g.shape}]`);
  const [rows, v] = g.shape;
  if (util.sizeFromShape(dy.shape) !== rows) fail(RS, `dy must have ${rows} elements, got [${dy.shape}]`);
  const { fused, threads } = native(RS);
  const dx = backend.makeOutput(g.shape, 'float32');
  if (rows > 0 && v > 0) {
    const [go, dyo, dxo] = offsets(backend, [g, dy, dx]);
    fused.rowScale(backend.wasm.HEAPU8.buffer, go, dyo, rows, v, dxo, threads);
  }
  return dx;
}

const config = (kernelName: string, f: (a: Args) => TensorInfo | TensorInfo[]): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: f as unknown as KernelFunc,
});

export const fusedEncoderConfigs: readonly KernelConfig[] = [
  config(LN, layerNorm),
  config(LNG, layerNormGrad),
  config(GELU, gelu),
  config(GELUG, geluGrad),
  config(SM, softmax),
  config(SMG, softmaxGrad),
  config(DO, dropout),
  config(CS, columnSum),
  config(SS, sumSquares),
  config(NLL, softmaxNll),
  config(NLLG, softmaxNllGrad),
  config(STN, softTargetNll),
  config(RS, rowScale),
];

/**
 * Register the fused encoder kernels while the native kernels are in use, and unregister them when
 * they are not (so the ops fall back to their tfjs chains). Idempotent.
 */
export function syncFusedEncoderKernels(): void {
  const on = nativeGemm()?.fused != null;
  for (const c of fusedEncoderConfigs) {
    const current = getKernel(c.kernelName, c.backendName);
    if (on && current == null) registerKernel(c);
    else if (!on && current?.kernelFunc === c.kernelFunc) unregisterKernel(c.kernelName, c.backendName);
  }
}
