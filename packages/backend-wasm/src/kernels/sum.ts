import {
  type KernelConfig,
  type KernelFunc,
  Sum,
  type SumAttrs,
  type SumInputs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { nativeGemm } from './native-gemm-state.js';
import { runDisplaced, setUpDisplaced } from './original.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

type KernelArgs = { inputs: SumInputs; attrs: SumAttrs; backend: unknown };

/**
 * `Sum` of float32 over leading axes (axes 0…k−1: a broadcast add's gradient, e.g. the position
 * embeddings' sum over the batch, or a whole tensor) through the native, threaded column sum of
 * @selfevo/native-gemm. The backend's own kernel transposes the reduced axes to the end first.
 * Other axes and dtypes, or no native code, go to the backend's own kernel.
 */
function sum(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as TensorInfo;
  const state = nativeGemm();
  const fused = state?.fused;
  if (fused == null || x.dtype !== 'float32') return runDisplaced(Sum, args);
  const axes = [...new Set(util.parseAxisParam(args.attrs.axis, x.shape))].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || !axes.every((a, i) => a === i)) return runDisplaced(Sum, args);
  const rows = util.sizeFromShape(x.shape.slice(0, k));
  const rest = x.shape.slice(k);
  const cols = util.sizeFromShape(rest);
  const out = backend.makeOutput(args.attrs.keepDims ? [...Array(k).fill(1), ...rest] : rest, 'float32');
  if (cols === 0) return out;
  if (rows === 0) {
    (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    return out;
  }
  const xo = tensorData(backend, x).memoryOffset;
  const oo = tensorData(backend, out).memoryOffset;
  fused.columnSum(backend.wasm.HEAPU8.buffer, xo, rows, cols, oo, state!.threads);
  return out;
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
  // Bind the original's C++ function at backend setup too: the backend's other kernels may call it.
  setupFunc: (backend) => setUpDisplaced(Sum, backend),
};
