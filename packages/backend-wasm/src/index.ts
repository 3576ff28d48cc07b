export {
  batchMatMulConfig,
  fusedMatMulConfig,
  identityConfig,
  registerWasmKernelFixes,
  sliceConfig,
  splitVConfig,
  unpackConfig,
  unregisterWasmKernelFixes,
  unsortedSegmentSumConfig,
  wasmKernelFixesActive,
} from './kernels/index.js';
export { type RegisterWasmOptions, registerWasmBackend, wasmGemmInfo } from './register.js';
