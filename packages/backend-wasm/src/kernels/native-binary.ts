import {
  Add,
  type BinaryInputs,
  backend_util,
  type KernelConfig,
  type KernelFunc,
  Multiply,
  Sub,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { nativeGemm } from './native-gemm-state.js';
import { runDisplaced } from './original.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

/*
 * Add, Sub and Multiply for float32 wasm tensors through the native element-wise loop of
 * @selfevo/native-gemm (vectorized, split over the GEMM threads), in Node. The broadcasts an
 * encoder uses map to a mode per operand: the full output shape, a scalar, a suffix of the output
 * shape (a bias [C] on [R, C]) or a prefix followed by ones ([R, 1] on [R, C]). Other broadcasts,
 * other dtypes, or no native code: the backend's own kernels. Together these were ~22% of an encoder
 * training step's kernel time on tfjs-backend-wasm.
 */

const FULL = 0;
const SCALAR = 1;
const INNER = 2;
const OUTER = 3;

/** The broadcast mode of an operand of `shape` against the output shape, or -1 if none fits. */
export function broadcastMode(shape: number[], out: number[]): number {
  const size = util.sizeFromShape(shape);
  if (size === 1) return SCALAR;
  const padded = [...Array(out.length - shape.length).fill(1), ...shape];
  if (padded.every((d, i) => d === out[i])) return FULL;
  const first = padded.findIndex((d) => d !== 1);
  let last = padded.length - 1;
  while (padded[last] === 1) last--;
  if (padded.slice(first).every((d, i) => d === out[first + i])) return INNER;
  if (padded.slice(0, last + 1).every((d, i) => d === out[i])) return OUTER;
  return -1;
}

function make(kernelName: string, op: number): KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ((args: { inputs: BinaryInputs; backend: unknown }) => {
      const backend = args.backend as WasmBackendLike;
      const a = args.inputs.a as TensorInfo;
      const b = args.inputs.b as TensorInfo;
      const binary = nativeGemm()?.binary;
      if (binary == null || a.dtype !== 'float32' || b.dtype !== 'float32')
        return runDisplaced(kernelName, args);
      const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const aMode = broadcastMode(a.shape, outShape);
      const bMode = broadcastMode(b.shape, outShape);
      if (aMode < 0 || bMode < 0) return runDisplaced(kernelName, args);
      const out = backend.makeOutput(outShape, 'float32');
      const n = util.sizeFromShape(outShape);
      if (n === 0) return out;
      const off = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
      binary(
        backend.wasm.HEAPU8.buffer,
        op,
        off(a),
        aMode,
        util.sizeFromShape(a.shape),
        off(b),
        bMode,
        util.sizeFromShape(b.shape),
        off(out),
        n,
        nativeGemm()!.threads,
      );
      return out;
    }) as unknown as KernelFunc,
  };
}

export const addConfig = make(Add, 0);
export const subConfig = make(Sub, 1);
export const multiplyConfig = make(Multiply, 2);
