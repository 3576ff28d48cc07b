export {
  batchMatMulConfig,
  registerWasmKernelFixes,
  sliceConfig,
  unregisterWasmKernelFixes,
  unsortedSegmentSumConfig,
  wasmKernelFixesActive,
} from './kernels/index.js';
export { registerWasmBackend } from './register.js';
