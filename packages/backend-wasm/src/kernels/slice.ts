import {
  type KernelConfig,
  type KernelFunc,
  Slice,
  type SliceAttrs,
  type SliceInputs,
  slice_util,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { runDisplaced } from './original.js';
import type { WasmBackendLike } from './wasm-backend-like.js';

type KernelArgs = { inputs: SliceInputs; attrs: SliceAttrs; backend: unknown };

/**
 * `Slice` for wasm that reads the input through a view of the heap. The backend's own kernel
 * starts with `readSync`, which copies the *whole* input out of the heap for every slice
 * (`unstack` of [32, 128, 64] copies 32 × 1 MiB). Same output; strings go to the original kernel.
 */
function slice(args: KernelArgs): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') {
    return runDisplaced(Slice, args);
  }
  return sliceViaViews(args.backend as WasmBackendLike, x, args.attrs.begin, args.attrs.size);
}

/** Slice a numeric wasm tensor reading the input through heap views (no whole-input copy). */
export function sliceViaViews(
  backend: WasmBackendLike,
  x: TensorInfo,
  beginIn: number | number[],
  sizeIn?: number | number[],
): TensorInfo {
  const [begin, size] = slice_util.parseSliceParams(x as never, beginIn, sizeIn);
  // Allocate first: malloc may grow the heap, which detaches earlier views of it.
  const out = backend.makeOutput(size, x.dtype);
  const outSize = util.sizeFromShape(size);
  if (outSize === 0) return out;
  const outVals = backend.typedArrayFromHeap(out);
  const xVals = backend.typedArrayFromHeap(x);
  const rank = x.shape.length;
  const xStrides = util.computeStrides(x.shape);
  if (slice_util.isSliceContinous(x.shape, begin, size)) {
    const flat = slice_util.computeFlatOffset(begin, xStrides);
    outVals.set(xVals.subarray(flat, flat + outSize));
    return out;
  }
  // Copy rows of the innermost dim: walk the outer coordinates of the slice.
  const inner = size[rank - 1];
  const outerShape = size.slice(0, -1);
  const outerCount = util.sizeFromShape(outerShape);
  const coord = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < outerCount; r++) {
    let src = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) src += (begin[d] + coord[d]) * xStrides[d];
    outVals.set(xVals.subarray(src, src + inner), r * inner);
    for (let d = rank - 2; d >= 0; d--) {
      if (++coord[d] < outerShape[d]) break;
      coord[d] = 0;
    }
  }
  return out;
}

export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: 'wasm',
  kernelFunc: slice as unknown as KernelFunc,
};
