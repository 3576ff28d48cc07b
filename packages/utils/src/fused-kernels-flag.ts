// The switch for the optional fused kernels a backend may register (@selfevo/encoder-model's
// fused-kernels.ts has the contracts): a tfjs environment flag, so every package with a fused op
// (encoder-model's ops, smooth-label-loss's cross-entropy) follows one setting. Typed structurally
// so that this package does not import tfjs.

/** The tfjs environment flag (`tf.env()`) that turns the fused kernels on or off; default on. */
export const FUSED_KERNELS_FLAG = 'SELFEVO_FUSED_KERNELS';

/** The part of tfjs's `tf.env()` the flag needs. */
export interface FlagEnvironment {
  getBool(name: string): boolean;
  registerFlag(name: string, evaluationFn: () => boolean): void;
}

/** Whether fused kernels are on in `env` (registering the flag, default on, at its first use). */
export function fusedKernelsEnabled(env: FlagEnvironment): boolean {
  try {
    return env.getBool(FUSED_KERNELS_FLAG);
  } catch {
    env.registerFlag(FUSED_KERNELS_FLAG, () => true);
    return env.getBool(FUSED_KERNELS_FLAG);
  }
}
