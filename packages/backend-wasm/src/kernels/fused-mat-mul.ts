import {
  _FusedMatMul,
  type _FusedMatMulAttrs,
  type _FusedMatMulInputs,
  Add,
  BatchMatMul,
  Elu,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  LeakyRelu,
  Prelu,
  Relu,
  Relu6,
  Sigmoid,
  type TensorInfo,
  Transpose,
  util,
} from '@tensorflow/tfjs-core';
import { nativeGemm } from './native-gemm-state.js';
import { nativeMatMul } from './native-mat-mul.js';
import { runDisplaced } from './original.js';
import type { WasmBackendLike } from './wasm-backend-like.js';

type KernelArgs = { inputs: _FusedMatMulInputs; attrs: _FusedMatMulAttrs; backend: unknown };

/** A bias that adds one value per output column: shape [n] or [1, …, 1, n]. */
function isColumnBias(bias: TensorInfo, n: number): boolean {
  const s = bias.shape;
  return s.length >= 1 && s[s.length - 1] === n && util.sizeFromShape(s) === n;
}

/** Runs the wasm kernel `name` (ours where we override it); a clear error when it is missing. */
function kernel(name: string, inputs: object, backend: unknown, attrs: object = {}): TensorInfo {
  const k = getKernel(name, 'wasm');
  if (k == null) throw new Error(`_FusedMatMul (selfevo): the wasm ${name} kernel is not registered`);
  return k.kernelFunc({ inputs, backend, attrs } as never) as TensorInfo;
}

/**
 * matMul, then bias, then activation as separate wasm kernels. tfjs-backend-wasm 4.22's own
 * `_FusedMatMul` adds the bias at the wrong columns for transposed, batched or rank-3 × rank-2
 * inputs and for a broadcast (size-1) bias (off by up to bias[n-1] - bias[0] against cpu), so
 * only the plain 2-D, untransposed, per-column-bias case goes to it.
 */
function composed(args: KernelArgs): TensorInfo {
  const { backend } = args;
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs;
  const temps: TensorInfo[] = [];
  const wasm = backend as WasmBackendLike;
  try {
    let x = kernel(BatchMatMul, { a, b }, backend, { transposeA, transposeB });
    if (bias != null) {
      temps.push(x);
      x = kernel(Add, { a: x, b: bias }, backend);
    }
    if (activation !== 'linear') {
      temps.push(x);
      if (activation === 'relu') x = kernel(Relu, { x }, backend);
      else if (activation === 'relu6') x = kernel(Relu6, { x }, backend);
      else if (activation === 'elu') x = kernel(Elu, { x }, backend);
      else if (activation === 'sigmoid') x = kernel(Sigmoid, { x }, backend);
      else if (activation === 'leakyrelu')
        x = kernel(LeakyRelu, { x }, backend, { alpha: leakyreluAlpha ?? 0.2 });
      else if (activation === 'prelu') {
        if (preluActivationWeights == null)
          throw new Error('_FusedMatMul (selfevo): activation prelu needs preluActivationWeights');
        x = kernel(Prelu, { x, alpha: preluActivationWeights }, backend);
      } else throw new Error(`_FusedMatMul (selfevo): unknown activation '${activation as string}'`);
    }
    return x;
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}

/** The inputs tfjs-backend-wasm's own `_FusedMatMul` gets right (after b is transposed for it). */
function originalHandles(
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  attrs: _FusedMatMulAttrs,
): boolean {
  const n = attrs.transposeB ? b.shape[0] : b.shape[1];
  return (
    !attrs.transposeA &&
    a.shape.length === 2 &&
    b.shape.length === 2 &&
    (bias == null || (bias.shape.length === 1 && bias.shape[0] === n))
  );
}

/**
 * `_FusedMatMul` (tf.fused.matMul: matMul + bias + activation) for wasm. With the native GEMM it
 * runs float32 products with a per-column bias and a linear or ReLU activation there, the bias
 * and ReLU applied as the GEMM writes C. The plain 2-D case otherwise goes to the backend's own
 * XNNPACK kernel, and the rest to `composed` (that kernel gets those wrong).
 */
function fusedMatMul(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const { transposeA, transposeB, activation } = args.attrs;
  const native = nativeGemm();
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  if (
    native == null ||
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    a.shape.length < 2 ||
    b.shape.length < 2 ||
    preluActivationWeights != null ||
    (activation !== 'linear' && activation !== 'relu') ||
    (bias != null && (bias.dtype !== 'float32' || !isColumnBias(bias, n)))
  ) {
    if (!originalHandles(a, b, bias, args.attrs)) return composed(args);
    if (!transposeB) return runDisplaced(_FusedMatMul, args);
    // x·Wᵀ + b (a linear layer in PyTorch layout): one transpose of W, then XNNPACK's fused GEMM.
    const bT = kernel(Transpose, { x: b }, backend, { perm: [1, 0] });
    try {
      return runDisplaced(_FusedMatMul, {
        ...args,
        inputs: { ...args.inputs, b: bT },
        attrs: { ...args.attrs, transposeB: false },
      });
    } finally {
      backend.disposeData(bT.dataId);
    }
  }
  return nativeMatMul(backend, native, a, b, transposeA, transposeB, bias, activation === 'relu');
}

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'wasm',
  kernelFunc: fusedMatMul as unknown as KernelFunc,
};
