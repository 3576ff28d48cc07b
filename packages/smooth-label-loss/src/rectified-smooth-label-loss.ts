import * as tf from '@tensorflow/tfjs-core';
import { LossConfigError } from './errors.js';
import {
  checkReduction,
  checkSameShape,
  gatherGold,
  gatherRows,
  type Labels,
  type Reduction,
  type RowIndices,
  reduce,
  selectRows,
  zeroLoss,
} from './select-rows.js';
import { fusedSoftTargetNll, hasFusedSoftTargetNll, type SoftTargetReference } from './soft-target-nll.js';

export interface RectifiedSmoothLabelOptions {
  /** Weight of the reference distribution in the target; default 0.1 (the SE paper's α). */
  alpha?: number;
  /**
   * The reference distribution `r`, one row per logits row (same shape as `logits`):
   * - `{ probs }`: probabilities (rows sum to 1);
   * - `{ logits }`: reference logits, turned into `softmax(logits)` (no temperature);
   * - `'uniform'`: `r = 1/V`, which is ordinary label smoothing with ε = α.
   *
   * The reference is a constant target: compute it outside the gradient closure (tfjs has no
   * stopGradient), e.g. from a forward pass of the model on the unmasked input in eval mode.
   */
  reference: { probs: tf.Tensor } | { logits: tf.Tensor } | 'uniform';
  ignoreIndex?: number;
  positions?: RowIndices;
  /** Default `mean`: divided by the number of counted (masked, non-ignored) tokens. */
  reduction?: Reduction;
}

/**
 * Rectified smooth labels (SE §1.3): target `q = (1 − α)·onehot(y) + α·r`, loss
 * `−Σ_v q_v log p_v = (1 − α)·(−log p_y) + α·(−Σ_v r_v log p_v)` with `p = softmax(logits)`,
 * averaged over counted tokens by default. Computed without a dense one-hot: the gold term is a
 * gather from `logSoftmax`, the reference term a row-wise dot product. Where the backend registers
 * the fused `SelfevoSoftTargetNll` kernel (@selfevo/backend-wasm in Node) each direction is one
 * native pass instead; there the reference is never differentiated (a constant target).
 */
export function rectifiedSmoothLabelLoss(
  logits: tf.Tensor,
  labels: Labels,
  options: RectifiedSmoothLabelOptions,
): tf.Tensor {
  const alpha = options.alpha ?? 0.1;
  if (!(alpha >= 0 && alpha <= 1)) throw new LossConfigError('alpha', `must be in [0, 1], got ${alpha}`);
  const ref = options.reference;
  if (ref == null) throw new LossConfigError('reference', `required: { probs }, { logits } or 'uniform'`);
  let refTensor: tf.Tensor | null = null;
  if (ref !== 'uniform') {
    if (typeof ref !== 'object')
      throw new LossConfigError(
        'reference',
        `expected { probs }, { logits } or 'uniform', got ${String(ref)}`,
      );
    refTensor = 'probs' in ref ? ref.probs : 'logits' in ref ? ref.logits : null;
    if (!(refTensor instanceof tf.Tensor))
      throw new LossConfigError('reference', `expected { probs: Tensor } or { logits: Tensor }`);
    checkSameShape(logits, refTensor, 'logits', 'probs' in ref ? 'reference.probs' : 'reference.logits');
  }
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  const sel = selectRows(logits, labels, options);
  if (sel.rowIndex.length === 0) return zeroLoss(logits, reduction);
  const isLogits = ref !== 'uniform' && 'logits' in ref;
  if (hasFusedSoftTargetNll(logits) && (refTensor === null || refTensor.dtype === 'float32'))
    return tf.tidy(() => {
      const reference: SoftTargetReference =
        refTensor === null
          ? { kind: 'uniform' }
          : { kind: isLogits ? 'logits' : 'probs', tensor: gatherRows(refTensor, sel) };
      return reduce(fusedSoftTargetNll(gatherRows(logits, sel), sel.gold, alpha, reference), reduction);
    });
  return tf.tidy(() => {
    const logp = tf.logSoftmax(gatherRows(logits, sel)) as tf.Tensor2D;
    const nll = tf.neg(gatherGold(logp, sel.gold));
    let smooth: tf.Tensor;
    if (refTensor === null) {
      smooth = tf.neg(tf.mean(logp, 1));
    } else {
      const rows = gatherRows(refTensor, sel);
      const r = isLogits ? tf.softmax(rows) : rows;
      smooth = tf.neg(tf.sum(tf.mul(r, logp), 1));
    }
    const perRow = tf.add(tf.mul(nll, tf.scalar(1 - alpha)), tf.mul(smooth, tf.scalar(alpha))) as tf.Tensor1D;
    return reduce(perRow, reduction);
  });
}
