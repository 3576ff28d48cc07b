import { rectifiedSmoothLabelLoss } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { MaskingConfigError } from './errors.js';
import type { GradientStepper, MaskedLmModel } from './masked-lm-model.js';
import type { MaskedBatch } from './token-batch.js';
import { applyStep, goldAt, maskedLogits, type StepOptions, type StepResult } from './train-step-common.js';

export interface SeStepOptions extends StepOptions {
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

/**
 * One self-evolution training step (§1.3) on a masked batch from `seMask` (or any masking):
 * 1. reference `r = softmax(model(original x))` at the masked positions, eval mode, no gradient
 *    (or a frozen snapshot, or uniform);
 * 2. masked pass in train mode (dropout) with gradient, MLM head at masked positions only;
 * 3. loss = rectified smooth labels `(1 − α)·CE + α·Σ_v r_v(−log p_v)` per masked token;
 * 4. optional global-norm clipping, then `optimizer.step(grads, lr)`.
 * Costs one extra forward pass over a vanilla MLM step.
 */
export function seTrainingStep(
  model: MaskedLmModel,
  optimizer: GradientStepper,
  batch: MaskedBatch,
  options: SeStepOptions = {},
): StepResult {
  const alpha = options.alpha ?? 0.1;
  if (!(alpha >= 0 && alpha <= 1)) throw new MaskingConfigError('alpha', `must be in [0, 1], got ${alpha}`);
  const reference = options.reference ?? 'current';
  const refModel =
    reference === 'current'
      ? model
      : reference === 'uniform'
        ? null
        : (reference as { model?: MaskedLmModel }).model;
  if (refModel === undefined || (reference !== 'uniform' && typeof refModel?.forward !== 'function'))
    throw new MaskingConfigError('reference', `expected 'current' | 'uniform' | { model }`);
  const gold = goldAt(batch);
  if (gold.length === 0) return { loss: 0, numMasked: 0, skipped: true };
  // Stop-gradient target r = softmax(reference logits), computed before (outside) the gradient
  // closure, so the tape neither differentiates nor stores it.
  const refProbs = refModel
    ? tf.tidy(() => tf.softmax(maskedLogits(refModel, batch, batch.originalInputIds, false)))
    : null;
  try {
    return applyStep(
      model,
      optimizer,
      () =>
        tf.tidy(() => {
          const logits = maskedLogits(model, batch, batch.inputIds, true);
          return rectifiedSmoothLabelLoss(logits, gold, {
            alpha,
            reference: refProbs ? { probs: refProbs } : 'uniform',
          }) as tf.Scalar;
        }),
      gold.length,
      options,
    );
  } finally {
    refProbs?.dispose();
  }
}
