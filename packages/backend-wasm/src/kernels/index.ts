import { registerKernel } from '@tensorflow/tfjs-core';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

const fixes = [unsortedSegmentSumConfig];

/** Registers all of selfevo's wasm kernel fixes (idempotent). */
export function registerWasmKernelFixes(): void {
  for (const config of fixes) {
    try {
      registerKernel(config);
    } catch {
      // already registered (registerKernel warns and keeps the first): nothing to do
    }
  }
}
