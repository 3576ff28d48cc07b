import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type TypedArray,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
  type UnsortedSegmentSumInputs,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend-like.js';

/**
 * `UnsortedSegmentSum` for wasm, which tfjs-backend-wasm 4.22 lacks. It is what the `gather`
 * gradient (embedding backprop) calls. out[s, ...] = Σ_{i: ids[i] = s} x[i, ...];
 * ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  attrs: UnsortedSegmentSumAttrs;
  backend: unknown;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as TensorInfo;
  const ids = args.inputs.segmentIds as TensorInfo;
  const { numSegments } = args.attrs;
  const idsShape = ids.shape;
  // Leading dims of x that segmentIds index; the rest is the row.
  for (let d = 0; d < idsShape.length; d++) {
    if (x.shape[d] !== idsShape[d]) {
      throw new Error(
        `UnsortedSegmentSum: segmentIds shape [${idsShape}] must be a prefix of x shape [${x.shape}]`,
      );
    }
  }
  const rowShape = x.shape.slice(idsShape.length);
  const rowSize = util.sizeFromShape(rowShape);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  const outVals = backend.typedArrayFromHeap(out) as TypedArray;
  outVals.fill(0);
  const xVals = backend.typedArrayFromHeap(x) as TypedArray;
  const idVals = backend.typedArrayFromHeap(ids) as TypedArray;
  for (let i = 0; i < idVals.length; i++) {
    const s = idVals[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * rowSize;
    const dst = s * rowSize;
    for (let j = 0; j < rowSize; j++) outVals[dst + j] += xVals[src + j];
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
