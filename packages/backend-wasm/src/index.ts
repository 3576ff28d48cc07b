export {
  batchMatMulConfig,
  registerWasmKernelFixes,
  sliceConfig,
  splitVConfig,
  unpackConfig,
  unregisterWasmKernelFixes,
  unsortedSegmentSumConfig,
  wasmKernelFixesActive,
} from './kernels/index.js';
export { registerWasmBackend } from './register.js';
