import type { backend_util, DataType, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The part of tfjs-backend-wasm's `BackendWasm` our kernels use. Typed structurally so this
 * package does not import the backend's internals.
 */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): backend_util.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
  dataIdMap: {
    get(
      dataId: object,
    ): { id: number; memoryOffset: number; shape: number[]; dtype: DataType; refCount: number } | undefined;
  };
  wasm: {
    HEAPU8: Uint8Array;
    _malloc(n: number): number;
    _free(ptr: number): void;
    cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
  };
}
