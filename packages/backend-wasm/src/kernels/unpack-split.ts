import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  SplitV,
  type SplitVAttrs,
  type SplitVInputs,
  type TensorInfo,
  Unpack,
  type UnpackAttrs,
  type UnpackInputs,
  util,
} from '@tensorflow/tfjs-core';
import { runDisplaced } from './original.js';
import { sliceViaViews } from './slice.js';
import type { WasmBackendLike } from './wasm-backend-like.js';

/*
 * tfjs-backend-wasm's Unpack (tf.unstack) and SplitV (tf.split) call its Slice function directly,
 * not through the kernel registry, so they copy the whole input out of the heap once per output.
 * These do the same slices through `sliceViaViews`.
 */

function unpack(args: { inputs: UnpackInputs; attrs: UnpackAttrs; backend: unknown }): TensorInfo[] {
  const value = args.inputs.value as TensorInfo;
  if (value.dtype === 'string') return runDisplaced(Unpack, args) as unknown as TensorInfo[];
  const backend = args.backend as WasmBackendLike;
  const rank = value.shape.length;
  const axis = args.attrs.axis < 0 ? args.attrs.axis + rank : args.attrs.axis;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = value.shape.slice();
  size[axis] = 1;
  const outs: TensorInfo[] = [];
  for (let i = 0; i < value.shape[axis]; i++) {
    begin[axis] = i;
    const t = sliceViaViews(backend, value, begin, size);
    outs.push({ dataId: t.dataId, dtype: t.dtype, shape: outShape });
  }
  return outs;
}

function splitV(args: { inputs: SplitVInputs; attrs: SplitVAttrs; backend: unknown }): TensorInfo[] {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return runDisplaced(SplitV, args) as unknown as TensorInfo[];
  const backend = args.backend as WasmBackendLike;
  const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as never, args.attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const t = sliceViaViews(backend, x, begin, size);
    begin[axis] += s;
    return t;
  });
}

export const unpackConfig: KernelConfig = {
  kernelName: Unpack,
  backendName: 'wasm',
  kernelFunc: unpack as unknown as KernelFunc,
};

export const splitVConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: 'wasm',
  kernelFunc: splitV as unknown as KernelFunc,
};
