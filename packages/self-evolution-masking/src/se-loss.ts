import { noGrad } from '@selfevo/encoder-model';
import { rectifiedSmoothLabelLoss } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { MaskingConfigError } from './errors.js';
import type { MaskedLmModel } from './masked-lm-model.js';
import type { MaskedBatch } from './token-batch.js';
import { goldForLoss, maskedLogits } from './train-step-common.js';

export interface SeLossOptions {
  /** Weight α of the reference distribution in the target; default 0.1. */
  alpha?: number;
  /**
   * Where the reference distribution `r` comes from:
   * - `'current'` (default, §1.3): the model being trained, on the original (unmasked) input, in
   *   eval mode (no dropout), without gradient;
   * - `{ model }`: a frozen reference snapshot (e.g. a copy of the starting checkpoint), same pass;
   * - `'uniform'`: `r = 1/V`, i.e. ordinary label smoothing with ε = α (ablation).
   */
  reference?: 'current' | 'uniform' | { model: MaskedLmModel };
}

/** Checks the options and returns α and the reference model (`null`: uniform reference). */
export function resolveSeLossOptions(
  model: MaskedLmModel,
  options: SeLossOptions,
): { alpha: number; referenceModel: MaskedLmModel | null } {
  const alpha = options.alpha ?? 0.1;
  if (!(alpha >= 0 && alpha <= 1)) throw new MaskingConfigError('alpha', `must be in [0, 1], got ${alpha}`);
  const reference = options.reference ?? 'current';
  if (reference === 'current') return { alpha, referenceModel: model };
  if (reference === 'uniform') return { alpha, referenceModel: null };
  const refModel = (reference as { model?: MaskedLmModel } | null)?.model;
  if (typeof refModel?.forward !== 'function')
    throw new MaskingConfigError('reference', `expected 'current' | 'uniform' | { model }`);
  return { alpha, referenceModel: refModel };
}

/**
 * The self-evolution loss (§1.3) of a masked batch (stage 2, e.g. from `seMask`), per masked token:
 * 1. reference logits = the reference model on the ORIGINAL input, eval mode, at the masked
 *    positions, computed under `noGrad` (a stop-gradient constant; the tape keeps nothing of it);
 * 2. masked pass (`training` switches dropout), MLM head at the masked positions only;
 * 3. rectified smooth labels `(1 − α)·CE + α·Σ_v r_v(−log p_v)` with `r = softmax(reference)`.
 * Usable as a `train()` loss: `lossFn: (m, b, training) => seLoss(m, b, { alpha }, training)`.
 * Costs one extra forward pass over `mlmLoss`. A batch without masked tokens is a `MaskingConfigError`.
 */
export function seLoss(
  model: MaskedLmModel,
  batch: MaskedBatch,
  options: SeLossOptions = {},
  training = true,
): tf.Scalar {
  const { alpha, referenceModel } = resolveSeLossOptions(model, options);
  const gold = goldForLoss(batch);
  const refLogits = referenceModel
    ? noGrad(() => maskedLogits(referenceModel, batch, batch.originalInputIds, false)) // [N, V]
    : null;
  try {
    return tf.tidy(() => {
      const logits = maskedLogits(model, batch, batch.inputIds, training); // [N, V]
      const reference = refLogits ? { logits: refLogits } : ('uniform' as const);
      return rectifiedSmoothLabelLoss(logits, gold, { alpha, reference }) as tf.Scalar;
    });
  } finally {
    refLogits?.dispose();
  }
}
