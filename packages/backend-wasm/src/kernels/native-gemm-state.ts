import type { RawAdamW, RawBinary, RawFused, RawGemm, RawUnary, UnaryOp } from '@selfevo/native-gemm';

/** The native GEMM the matMul kernels use, with its threads per product. */
export interface NativeGemmState {
  raw: RawGemm;
  isa: string;
  threads: number;
  /** Vectorized exp / erf / tanh (libmvec), when the machine has it. */
  unary?: { raw: RawUnary; codes: Readonly<Record<UnaryOp, number>> };
  /** The fused AdamW pass behind the `SelfevoAdamW` kernel. */
  adamw?: RawAdamW;
  /** Add / Sub / Multiply with scalar, suffix and prefix broadcasts. */
  binary?: RawBinary;
  /** The fused LayerNorm / GELU / softmax / dropout kernels (kernels/fused-encoder.ts). */
  fused?: RawFused;
}

/**
 * Set by `registerWasmBackend` in Node on an x86-64 CPU with AVX-512 or AVX2+FMA when
 * @selfevo/native-gemm is built. Unset: XNNPACK's GEMM inside the wasm module, as in the browser.
 */
let active: NativeGemmState | undefined;

export function setNativeGemm(state: NativeGemmState | undefined): void {
  if (state != null && (!Number.isInteger(state.threads) || state.threads < 1))
    throw new RangeError(`gemmThreads must be a positive integer, got ${state.threads}`);
  active = state;
}

export function nativeGemm(): NativeGemmState | undefined {
  return active;
}
