export {
  ADAMW_KERNEL,
  adamWConfig,
  batchMatMulConfig,
  erfConfig,
  expConfig,
  fusedMatMulConfig,
  identityConfig,
  registerWasmKernelFixes,
  sliceConfig,
  splitVConfig,
  tanhConfig,
  unpackConfig,
  unregisterWasmKernelFixes,
  unsortedSegmentSumConfig,
  wasmKernelFixesActive,
} from './kernels/index.js';
export { type RegisterWasmOptions, registerWasmBackend, wasmGemmInfo } from './register.js';
