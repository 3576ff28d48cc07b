import {
  Erf,
  Exp,
  type KernelConfig,
  type KernelFunc,
  Tanh,
  type TensorInfo,
  type UnaryInputs,
} from '@tensorflow/tfjs-core';
import { nativeGemm } from './native-gemm-state.js';
import { runDisplaced } from './original.js';
import { tensorData, type WasmBackendLike } from './wasm-backend-like.js';

/*
 * Exp, Erf and Tanh for wasm through the native vector math (glibc's libmvec, AVX-512/AVX2) in
 * place on the heap, when @selfevo/native-gemm provides it. tfjs-backend-wasm computes them one
 * element at a time (4–9 ns per element: about 10% of an encoder training step, in the MLM
 * softmax and the GELU). Other dtypes, or no native math, go to the backend's own kernels.
 */

type Op = 'exp' | 'erf' | 'tanh';

function make(kernelName: string, op: Op): KernelConfig {
  const config: KernelConfig = {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ((args: { inputs: UnaryInputs; backend: unknown }) => {
      const backend = args.backend as WasmBackendLike;
      const x = args.inputs.x as TensorInfo;
      const unary = nativeGemm()?.unary;
      if (unary == null || x.dtype !== 'float32') return runDisplaced(kernelName, args);
      const out = backend.makeOutput(x.shape, 'float32');
      const n = x.shape.reduce((a, b) => a * b, 1);
      if (n > 0) {
        const inOff = tensorData(backend, x).memoryOffset;
        const outOff = tensorData(backend, out).memoryOffset;
        unary.raw(backend.wasm.HEAPU8.buffer, unary.codes[op], inOff, outOff, n);
      }
      return out;
    }) as unknown as KernelFunc,
  };
  return config;
}

export const expConfig = make(Exp, 'exp');
export const erfConfig = make(Erf, 'erf');
export const tanhConfig = make(Tanh, 'tanh');
