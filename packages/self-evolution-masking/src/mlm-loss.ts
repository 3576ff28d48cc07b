import { crossEntropyAtPositions, labelSmoothedCrossEntropy } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { MaskingConfigError } from './errors.js';
import type { MaskedLmModel } from './masked-lm-model.js';
import type { MaskedBatch } from './token-batch.js';
import { goldForLoss, maskedLogits } from './train-step-common.js';

export interface MlmLossOptions {
  /** Label smoothing ε (HF `label_smoothing_factor`); default 0 (plain cross-entropy). */
  labelSmoothing?: number;
}

/** Checks `labelSmoothing` ∈ [0, 1] and returns it (default 0). */
export function mlmLabelSmoothing(options: MlmLossOptions): number {
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1))
    throw new MaskingConfigError('labelSmoothing', `must be in [0, 1], got ${eps}`);
  return eps;
}

/**
 * Vanilla MLM loss of a masked batch: one pass over the masked input (`training` switches dropout),
 * MLM head at the masked positions only, cross-entropy (optionally label-smoothed) per masked
 * token. Usable as a `train()` loss: `lossFn: (m, b, training) => mlmLoss(m, b, {}, training)`.
 * A batch without masked tokens is a `MaskingConfigError`.
 */
export function mlmLoss(
  model: MaskedLmModel,
  batch: MaskedBatch,
  options: MlmLossOptions = {},
  training = true,
): tf.Scalar {
  const eps = mlmLabelSmoothing(options);
  const gold = goldForLoss(batch);
  return tf.tidy(() => {
    const logits = maskedLogits(model, batch, batch.inputIds, training); // [N, V]
    return (
      eps > 0
        ? labelSmoothedCrossEntropy(logits, gold, { epsilon: eps })
        : crossEntropyAtPositions(logits, gold)
    ) as tf.Scalar;
  });
}
