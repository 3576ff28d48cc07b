import { fusedKernelsEnabled } from '@selfevo/utils';
import * as tf from '@tensorflow/tfjs-core';

/*
 * The optional fused kernels of the rectified smooth-label loss (followed by @selfevo/backend-wasm):
 * SelfevoSoftTargetNll  {x [K, V], gold int32 [K], ref [K, V] (absent when uniform)},
 *                       attrs {alpha, reference: 'probs' | 'logits' | 'uniform'}
 *                       → [loss [K] = −Σ_v q_v log softmax(x)_v, grad [K, V] = ∂loss/∂x]
 *                       with q = (1 − α)·onehot(gold) + α·r
 * SelfevoRowScale       {g [K, V], dy [K]} → dx = g·dy (per row)
 * used while the tfjs flag SELFEVO_FUSED_KERNELS (encoder-model's `setFusedKernels`) is on.
 */
const KERNEL = 'SelfevoSoftTargetNll';
const GRAD_KERNEL = 'SelfevoRowScale';

/** How `softTargetNll` reads its reference: as probabilities, as logits (softmax), or uniform 1/V. */
export type SoftTargetReference =
  | { kind: 'probs'; tensor: tf.Tensor2D }
  | { kind: 'logits'; tensor: tf.Tensor2D }
  | { kind: 'uniform' };

/** True when the active backend has the fused kernel and the fused-kernels flag is on. */
export function hasFusedSoftTargetNll(logits: tf.Tensor): boolean {
  return (
    logits.dtype === 'float32' &&
    tf.getKernel(KERNEL, tf.getBackend()) != null &&
    fusedKernelsEnabled(tf.env())
  );
}

/**
 * Per-row rectified smooth-label cross-entropy of logits [K, V] → [K] in one fused pass (call only
 * when `hasFusedSoftTargetNll`). The forward kernel keeps ∂loss/∂x, so the backward pass is one
 * row-scaled copy. The reference is a constant target (never differentiated, as the SE loss's
 * stop-gradient reference); the tfjs-op chain of `rectifiedSmoothLabelLoss` is the fallback.
 */
export function fusedSoftTargetNll(
  logits: tf.Tensor2D,
  gold: Int32Array,
  alpha: number,
  reference: SoftTargetReference,
): tf.Tensor1D {
  const ref = reference.kind === 'uniform' ? undefined : reference.tensor;
  const op = tf.customGrad<tf.Tensor1D>((x, g, save) => {
    if (!(x instanceof tf.Tensor && g instanceof tf.Tensor) || typeof save !== 'function')
      throw new TypeError('softTargetNll: expected (logits, gold, save)');
    const inputs: tf.NamedTensorMap = ref ? { x, gold: g, ref } : { x, gold: g };
    const attrs = { alpha, reference: reference.kind } as unknown as tf.NamedAttrMap;
    const [loss, grad] = tf.engine().runKernel(KERNEL, inputs, attrs) as tf.Tensor[];
    save([grad, g]);
    return {
      value: loss as tf.Tensor1D, // [K]
      gradFunc: (dy, [gr, gs]) => {
        const [k] = gr.shape;
        const dx =
          tf.getKernel(GRAD_KERNEL, tf.getBackend()) != null
            ? (tf.engine().runKernel(GRAD_KERNEL, { g: gr, dy }) as tf.Tensor)
            : tf.mul(gr, tf.reshape(dy, [k, 1]));
        return [dx, tf.zerosLike(gs)];
      },
    };
  });
  return tf.tidy(() => op(logits, tf.tensor1d(gold, 'int32')));
}
