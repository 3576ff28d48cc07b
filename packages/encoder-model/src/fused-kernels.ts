// Optional fused kernels a backend may register (tfjs's kernel registry), each replacing a chain of
// element-wise kernels of an encoder step by one pass. The ops in ops.ts use one when the active
// backend has it (and `setFusedKernels(false)` has not turned them off) and otherwise run the same
// formula as tfjs ops, so the same model code runs on every backend. @selfevo/backend-wasm
// registers them in Node when @selfevo/native-gemm is built. Contracts (all float32):
//
// SelfevoLayerNorm      {x [N, H], gamma [H], beta [H], residual? [N, H]}, {eps}
//                       → [y, xhat [N, H], rstd [N]]: v = x (+ residual), xhat = (v − mean)·rstd,
//                         rstd = 1/√(var + eps) (biased), y = xhat·gamma + beta
// SelfevoLayerNormGrad  {dy, xhat [N, H], rstd [N], gamma [H]} → [dx [N, H], dgamma [H], dbeta [H]]
// SelfevoGelu           {x} → y = x·Φ(x) (erf GELU)
// SelfevoGeluGrad       {dy, x} → dx = dy·(Φ(x) + x·φ(x))
// SelfevoSoftmax        {x [B, …, K], mask? [B, 1, …, 1, K]} → softmax over K of x + mask
// SelfevoSoftmaxGrad    {dy, y} → dx = y·(dy − Σ_K dy·y)
// SelfevoDropout        {x}, {seed, threshold, keep} → [y, mask]: element i kept when the i-th
//                       uint32 of SeededRandom(seed) is ≥ threshold; mask = keep or 0; y = x·mask
// SelfevoColumnSum      {x [N, C]} → [C]: column sums (a linear layer's bias gradient)
// SelfevoSumSquares     {x} → scalar Σ x² (a gradient's squared L2 norm; not differentiable)
import { FUSED_KERNELS_FLAG, fusedKernelsEnabled } from '@selfevo/utils';
import * as tf from '@tensorflow/tfjs-core';

export const FUSED_KERNEL_NAMES = {
  layerNorm: 'SelfevoLayerNorm',
  layerNormGrad: 'SelfevoLayerNormGrad',
  gelu: 'SelfevoGelu',
  geluGrad: 'SelfevoGeluGrad',
  softmax: 'SelfevoSoftmax',
  softmaxGrad: 'SelfevoSoftmaxGrad',
  dropout: 'SelfevoDropout',
  columnSum: 'SelfevoColumnSum',
  sumSquares: 'SelfevoSumSquares',
} as const;

export type FusedKernel = keyof typeof FUSED_KERNEL_NAMES;

/**
 * The tfjs environment flag (`tf.env()`) that turns the fused kernels on or off, default on
 * (@selfevo/utils' `fusedKernelsEnabled`): other packages' fused ops (@selfevo/smooth-label-loss's
 * cross-entropy) follow the same switch without depending on this one.
 */
export { FUSED_KERNELS_FLAG };

const fusedEnabled = () => fusedKernelsEnabled(tf.env());

/**
 * Turn the use of fused kernels on or off (default on), for A/B comparisons: off, every op runs as
 * a chain of tfjs ops on every backend. Same as `tf.env().set('SELFEVO_FUSED_KERNELS', on)`.
 * Returns the previous setting.
 */
export function setFusedKernels(on: boolean): boolean {
  const was = fusedEnabled();
  tf.env().set(FUSED_KERNELS_FLAG, on);
  return was;
}

/** Whether `kernel` will run fused on the active backend now. */
export function hasFusedKernel(kernel: FusedKernel): boolean {
  return fusedEnabled() && tf.getKernel(FUSED_KERNEL_NAMES[kernel], tf.getBackend()) != null;
}

/** Run a fused kernel (the caller checked `hasFusedKernel`). */
export function runFused(
  kernel: FusedKernel,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, number> = {},
): tf.Tensor[] {
  const out = tf.engine().runKernel(FUSED_KERNEL_NAMES[kernel], inputs, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}
