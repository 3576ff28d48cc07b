import {
  BatchMatMul,
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { broadcastIndex, matMulDims } from './broadcast-index.js';
import { nativeGemm } from './native-gemm-state.js';
import { nativeMatMul } from './native-mat-mul.js';
import { runDisplaced } from './original.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

/**
 * The C++ `BatchMatMul` of tfjs-backend-wasm: (aId, aShape bytes, aRank, bId, bShape bytes, bRank,
 * transposeA, transposeB, outId). It reaches XNNPACK's GEMM only for [1, M, K] × [1, K, N] without
 * transpose flags; everything else runs a scalar triple loop.
 */
type WasmBatchMatMulFn = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: boolean,
  transposeB: boolean,
  outId: number,
) => void;

const cwrapped = new WeakMap<object, WasmBatchMatMulFn>();

function wasmBatchMatMul(backend: WasmBackendLike): WasmBatchMatMulFn {
  let fn = cwrapped.get(backend.wasm);
  if (fn == null) {
    fn = backend.wasm.cwrap(BatchMatMul, null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]) as WasmBatchMatMulFn;
    cwrapped.set(backend.wasm, fn);
  }
  return fn;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** Register `size` floats at byte offset `offset` under a fresh id in the C++ registry (a view). */
function registerView(backend: WasmBackendLike, offset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, offset);
  return id;
}

type KernelArgs = { inputs: BatchMatMulInputs; attrs: BatchMatMulAttrs; backend: unknown };

function swapLastTwo(backend: WasmBackendLike, x: TensorInfo): TensorInfo {
  const transpose = getKernel(Transpose, 'wasm');
  if (transpose == null)
    throw new Error('BatchMatMul (selfevo): the wasm Transpose kernel is not registered');
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transpose.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { perm } }) as TensorInfo;
}

/**
 * `BatchMatMul` for wasm. In Node with the native GEMM (native-gemm-state.ts) every float32
 * product runs there (native-mat-mul.ts). Otherwise it always reaches XNNPACK's GEMM:
 * - transpose flags are applied by an explicit transpose (the wasm Transpose kernel) first;
 * - a batch of matrices runs one GEMM per batch element on views into the existing heap buffers
 *   (temporary ids registered in the C++ tensor registry; nothing is copied);
 * - when `b` has a single matrix, all of `a`'s matrices go through one GEMM as [batch·M, K] × [K, N].
 * Batch dims broadcast as in tfjs. Non-float32 inputs go to the backend's own kernel.
 */
function batchMatMul(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const { transposeA, transposeB } = args.attrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
    return runDisplaced(BatchMatMul, args);
  }
  const native = nativeGemm();
  if (native != null) return nativeMatMul(backend, native, a, b, transposeA, transposeB, undefined, false);
  const { m, n, k, outerA, outerB, outerOut, batchA, batchB, batchOut } = matMulDims(
    a,
    b,
    transposeA,
    transposeB,
  );

  const out = backend.makeOutput([...outerOut, m, n], 'float32');
  if (batchOut * m * n === 0) return out;
  if (k === 0) {
    backend.typedArrayFromHeap(out).fill(0);
    return out;
  }

  const temps: TensorInfo[] = [];
  const views: number[] = [];
  try {
    const a2 = transposeA ? swapLastTwo(backend, a) : a;
    if (a2 !== a) temps.push(a2);
    const b2 = transposeB ? swapLastTwo(backend, b) : b;
    if (b2 !== b) temps.push(b2);
    const gemm = wasmBatchMatMul(backend);
    const aData = tensorData(backend, a2);
    const bData = tensorData(backend, b2);
    const outData = tensorData(backend, out);

    if (batchB === 1) {
      // One GEMM over all of a's rows; b keeps its own id, so XNNPACK's packed-weights cache
      // (keyed by b's id) survives across calls for a persistent weight matrix.
      gemm(
        aData.id,
        shapeBytes([1, batchA * m, k]),
        3,
        bData.id,
        shapeBytes([1, k, n]),
        3,
        false,
        false,
        outData.id,
      );
      return out;
    }

    const aStep = m * k * 4;
    const bStep = k * n * 4;
    const outStep = m * n * 4;
    const aIndex = broadcastIndex(outerA, outerOut);
    const bIndex = broadcastIndex(outerB, outerOut);
    const aShape = shapeBytes([1, m, k]);
    const bShape = shapeBytes([1, k, n]);
    for (let i = 0; i < batchOut; i++) {
      const ai = aIndex(i);
      const bi = bIndex(i);
      const aId = batchA === 1 ? aData.id : registerView(backend, aData.memoryOffset + ai * aStep, m * k);
      if (aId !== aData.id) views.push(aId);
      const bId = registerView(backend, bData.memoryOffset + bi * bStep, k * n);
      views.push(bId);
      const oId = registerView(backend, outData.memoryOffset + i * outStep, m * n);
      views.push(oId);
      gemm(aId, aShape, 3, bId, bShape, 3, false, false, oId);
      // Forgetting the view ids also drops the XNNPACK operator cached on the b view.
      while (views.length > 0) backend.wasm.tfjs.disposeData(views.pop()!);
    }
    return out;
  } catch (err) {
    backend.disposeData(out.dataId);
    throw err;
  } finally {
    for (const id of views) backend.wasm.tfjs.disposeData(id);
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
