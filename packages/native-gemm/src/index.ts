export {
  type GemmParams,
  loadNativeGemm,
  type NativeGemm,
  nativeGemmUnavailableReason,
  type RawAdamW,
  type RawBinary,
  type RawGemm,
  type RawUnary,
  type UnaryOp,
} from './native-gemm.js';
