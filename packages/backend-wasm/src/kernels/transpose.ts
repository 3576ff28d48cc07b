import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Transpose,
  type TransposeAttrs,
  type TransposeInputs,
  util,
} from '@tensorflow/tfjs-core';
import { nativeGemm } from './native-gemm-state.js';
import { runDisplaced, setUpDisplaced } from './original.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

type KernelArgs = { inputs: TransposeInputs; attrs: TransposeAttrs; backend: unknown };

/**
 * `Transpose` of float32 / int32 tensors of rank ≤ 4 through the native, threaded `transpose4` of
 * @selfevo/native-gemm (the attention's head split and merge: ~4% of a training step on the
 * backend's own single-threaded kernel). Lower ranks are padded with leading axes of 1. Other
 * ranks and dtypes, or no native code, go to the backend's own kernel. Same output.
 */
function transpose(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as TensorInfo;
  const perm = args.attrs.perm;
  const state = nativeGemm();
  const fused = state?.fused;
  const rank = x.shape.length;
  if (fused == null || rank > 4 || (x.dtype !== 'float32' && x.dtype !== 'int32') || perm.length !== rank)
    return runDisplaced(Transpose, args);
  const pad = 4 - rank;
  const d = [...Array(pad).fill(1), ...x.shape];
  const p = [...Array.from({ length: pad }, (_, i) => i), ...perm.map((q) => q + pad)];
  const out = backend.makeOutput(
    perm.map((q) => x.shape[q]),
    x.dtype,
  );
  if (util.sizeFromShape(x.shape) === 0) return out;
  const xo = tensorData(backend, x).memoryOffset;
  const oo = tensorData(backend, out).memoryOffset;
  fused.transpose4(
    backend.wasm.HEAPU8.buffer,
    xo,
    oo,
    d[0],
    d[1],
    d[2],
    d[3],
    p[0],
    p[1],
    p[2],
    p[3],
    state!.threads,
  );
  return out;
}

export const transposeConfig: KernelConfig = {
  kernelName: Transpose,
  backendName: 'wasm',
  kernelFunc: transpose as unknown as KernelFunc,
  // The backend's other kernels (Sum, Max, …) transpose through the C++ function the original
  // binds at setup: bind it too.
  setupFunc: (backend) => setUpDisplaced(Transpose, backend),
};
