export {
  type GemmParams,
  loadNativeGemm,
  type NativeGemm,
  nativeGemmUnavailableReason,
  type RawGemm,
} from './native-gemm.js';
