import type { backend_util, DataType, TensorInfo } from '@tensorflow/tfjs-core';

/** One entry of the backend's `dataIdMap`. */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/**
 * The part of tfjs-backend-wasm's `BackendWasm` our kernels use. Typed structurally so this
 * package does not import the backend's internals.
 */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): backend_util.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
  numDataIds(): number;
  /** Next id handed to the C++ tensor registry (ids are never reused). */
  dataIdNextNumber: number;
  dataIdMap: {
    get(dataId: object): WasmTensorData | undefined;
  };
  wasm: {
    HEAPU8: Uint8Array;
    _malloc(n: number): number;
    _free(ptr: number): void;
    cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
    tfjs: {
      /** Register `size` elements at byte offset `memoryOffset` under `id` in the C++ registry. */
      registerTensor(id: number, size: number, memoryOffset: number): void;
      /** Forget `id` in the C++ registry (frees nothing; runs the id's disposal callbacks). */
      disposeData(id: number): void;
    };
  };
}

/** The backend's bookkeeping for `t`, or a clear error when `t` is not a wasm tensor. */
export function tensorData(backend: WasmBackendLike, t: TensorInfo): WasmTensorData {
  const d = backend.dataIdMap.get(t.dataId);
  if (d == null) throw new Error('wasm kernel: input tensor is not stored on the wasm backend');
  return d;
}
