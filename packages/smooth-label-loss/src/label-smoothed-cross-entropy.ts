import type * as tf from '@tensorflow/tfjs-core';
import { LossConfigError } from './errors.js';
import { rectifiedSmoothLabelLoss } from './rectified-smooth-label-loss.js';
import type { Labels, Reduction, RowIndices } from './select-rows.js';

export interface LabelSmoothingOptions {
  /** Smoothing ε (HF `label_smoothing_factor`); default 0.1. */
  epsilon?: number;
  ignoreIndex?: number;
  positions?: RowIndices;
  reduction?: Reduction;
}

/**
 * Label-smoothed cross-entropy, numerically HF's `LabelSmoother`:
 * `(1 − ε)·mean(NLL) + ε·mean_rows(mean_v(−log p_v))` over non-ignored rows. Unlike HF, a batch
 * where every row is ignored gives 0 instead of NaN.
 */
export function labelSmoothedCrossEntropy(
  logits: tf.Tensor,
  labels: Labels,
  options: LabelSmoothingOptions = {},
): tf.Tensor {
  const epsilon = options.epsilon ?? 0.1;
  if (!(epsilon >= 0 && epsilon <= 1))
    throw new LossConfigError('epsilon', `must be in [0, 1], got ${epsilon}`);
  return rectifiedSmoothLabelLoss(logits, labels, {
    alpha: epsilon,
    reference: 'uniform',
    ignoreIndex: options.ignoreIndex,
    positions: options.positions,
    reduction: options.reduction,
  });
}
