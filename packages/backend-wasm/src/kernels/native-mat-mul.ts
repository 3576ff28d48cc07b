import type { TensorInfo } from '@tensorflow/tfjs-core';
import { broadcastIndex, matMulDims } from './broadcast-index.js';
import type { NativeGemmState } from './native-gemm-state.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

/**
 * op(a)·op(b) (+ bias [n]) (ReLU) for float32 wasm tensors with the native GEMM, in place on the
 * wasm heap: the transposes are folded into the GEMM's packing (no Transpose kernel, no copies) and
 * batch dims broadcast as in tfjs (a stride of 0 for a single matrix, an index map otherwise).
 */
export function nativeMatMul(
  backend: WasmBackendLike,
  gemm: NativeGemmState,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: TensorInfo | undefined,
  relu: boolean,
): TensorInfo {
  const { m, n, k, outerA, outerB, outerOut, batchA, batchB, batchOut } = matMulDims(
    a,
    b,
    transposeA,
    transposeB,
  );

  const out = backend.makeOutput([...outerOut, m, n], 'float32');
  if (batchOut * m * n === 0) return out;
  try {
    const aOff = tensorData(backend, a).memoryOffset;
    const bOff = tensorData(backend, b).memoryOffset;
    const oOff = tensorData(backend, out).memoryOffset;
    const biasOff = bias == null ? -1 : tensorData(backend, bias).memoryOffset;
    // Read the heap only now: makeOutput may have grown (and so replaced) the wasm memory.
    const heap = backend.wasm.HEAPU8.buffer;
    const lda = transposeA ? m : k;
    const ldb = transposeB ? k : n;
    const aStep = m * k * 4;
    const bStep = k * n * 4;
    const cStep = m * n * 4;
    const { raw, threads } = gemm;
    if (batchB === 1 && !transposeA) {
      // One b for every a: all of a's rows in one product [batch·m, k] · op(b).
      raw(
        heap,
        batchA * m,
        n,
        k,
        aOff,
        k,
        false,
        bOff,
        ldb,
        transposeB,
        oOff,
        n,
        1,
        0,
        0,
        0,
        biasOff,
        relu,
        threads,
      );
    } else if ((batchA === 1 || batchA === batchOut) && (batchB === 1 || batchB === batchOut)) {
      const aStride = batchA === 1 ? 0 : aStep;
      const bStride = batchB === 1 ? 0 : bStep;
      raw(
        heap,
        m,
        n,
        k,
        aOff,
        lda,
        transposeA,
        bOff,
        ldb,
        transposeB,
        oOff,
        n,
        batchOut,
        aStride,
        bStride,
        cStep,
        biasOff,
        relu,
        threads,
      );
    } else {
      const aIndex = broadcastIndex(outerA, outerOut);
      const bIndex = broadcastIndex(outerB, outerOut);
      for (let i = 0; i < batchOut; i++) {
        raw(
          heap,
          m,
          n,
          k,
          aOff + aIndex(i) * aStep,
          lda,
          transposeA,
          bOff + bIndex(i) * bStep,
          ldb,
          transposeB,
          oOff + i * cStep,
          n,
          1,
          0,
          0,
          0,
          biasOff,
          relu,
          threads,
        );
      }
    }
    return out;
  } catch (err) {
    backend.disposeData(out.dataId);
    throw err;
  }
}
