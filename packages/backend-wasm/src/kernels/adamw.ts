import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { nativeGemm } from './native-gemm-state.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

/**
 * The fused AdamW update that @selfevo/encoder-model's `AdamW` uses when a backend registers it
 * (kernel name `SelfevoAdamW`, the contract documented at `ADAMW_KERNEL_NAME` there): one pass
 * over parameter, gradient and both moments, writing three new tensors, instead of 14
 * element-wise wasm kernels. In Node with @selfevo/native-gemm the pass is native and vectorized
 * (float32); otherwise a JS loop over heap views (float64 arithmetic, stored as float32).
 */
export const ADAMW_KERNEL = 'SelfevoAdamW';

interface AdamWAttrs {
  stepSize: number;
  beta1: number;
  beta2: number;
  bc2Sqrt: number;
  eps: number;
  decay: number;
  /** The gradient is used as g·gradScale (global-norm clipping); default 1. */
  gradScale?: number;
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`${ADAMW_KERNEL} (wasm): ${msg}`);
}

function adamW(args: {
  inputs: Record<string, TensorInfo>;
  attrs: NamedAttrMap;
  backend: unknown;
}): TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const { param, grad, m, v } = args.inputs;
  const a = args.attrs as unknown as AdamWAttrs;
  const shape = param.shape;
  for (const [name, t] of Object.entries({ param, grad, m, v })) {
    check(t != null, `input ${name} is missing`);
    check(t.dtype === 'float32', `input ${name} must be float32, got ${t.dtype}`);
    check(t.shape.join(',') === shape.join(','), `input ${name} has shape [${t.shape}], param is [${shape}]`);
  }
  for (const k of ['stepSize', 'beta1', 'beta2', 'bc2Sqrt', 'eps', 'decay'] as const)
    check(Number.isFinite(a[k]), `attr ${k} must be a finite number, got ${a[k]}`);
  const gradScale = a.gradScale ?? 1;
  check(Number.isFinite(gradScale), `attr gradScale must be a finite number, got ${a.gradScale}`);
  const pOut = backend.makeOutput(shape, 'float32');
  const mOut = backend.makeOutput(shape, 'float32');
  const vOut = backend.makeOutput(shape, 'float32');
  const { stepSize, beta1, beta2, bc2Sqrt, eps, decay } = a;
  const state = nativeGemm();
  const native = state?.adamw;
  if (native != null) {
    const off = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
    const n = shape.reduce((x, y) => x * y, 1);
    native(
      backend.wasm.HEAPU8.buffer,
      off(param),
      off(grad),
      off(m),
      off(v),
      off(pOut),
      off(mOut),
      off(vOut),
      n,
      stepSize,
      beta1,
      beta2,
      bc2Sqrt,
      eps,
      decay,
      gradScale,
      state!.threads,
    );
    return [pOut, mOut, vOut];
  }
  // Views only after the outputs exist: makeOutput may grow (and so replace) the heap.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const p = view(param);
  const g = view(grad);
  const m0 = view(m);
  const v0 = view(v);
  const p1 = view(pOut);
  const m1 = view(mOut);
  const v1 = view(vOut);
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * gradScale;
    const mi = beta1 * m0[i] + c1 * gi;
    const vi = beta2 * v0[i] + c2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = decay * p[i] - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
  return [pOut, mOut, vOut];
}

export const adamWConfig: KernelConfig = {
  kernelName: ADAMW_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamW as unknown as KernelFunc,
};
