export {
  type GemmParams,
  loadNativeGemm,
  type NativeGemm,
  nativeGemmUnavailableReason,
  type RawAdamW,
  type RawBinary,
  type RawFused,
  type RawGemm,
  type RawUnary,
  type UnaryOp,
} from './native-gemm.js';
