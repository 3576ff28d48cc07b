export {
  type GemmParams,
  loadNativeGemm,
  type NativeGemm,
  nativeGemmUnavailableReason,
  type RawGemm,
  type RawUnary,
  type UnaryOp,
} from './native-gemm.js';
