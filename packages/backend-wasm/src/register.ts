import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernelFixes } from './kernels/index.js';

let registered = false;

/**
 * Register the tfjs wasm backend plus selfevo's kernel fixes (a kernel for `UnsortedSegmentSum`,
 * which embedding gradients need; a `BatchMatMul` that reaches XNNPACK for transposed and batched
 * products; `Slice`/`Unpack`/`SplitV` that read heap views instead of copying the whole input).
 * Idempotent. Does not switch the active backend: call `tf.setBackend('wasm')` (or `useBackend`).
 */
export async function registerWasmBackend(): Promise<void> {
  if (registered) return;
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmKernelFixes();
  registered = true;
  if (tf.findBackendFactory('wasm') == null)
    throw new Error('@tensorflow/tfjs-backend-wasm did not register a backend');
}
