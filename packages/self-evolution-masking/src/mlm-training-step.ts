import { crossEntropyAtPositions, labelSmoothedCrossEntropy } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { MaskingConfigError } from './errors.js';
import type { GradientStepper, MaskedLmModel } from './masked-lm-model.js';
import type { MaskedBatch } from './token-batch.js';
import { applyStep, goldAt, maskedLogits, type StepOptions, type StepResult } from './train-step-common.js';

export interface MlmStepOptions extends StepOptions {
  /** Label smoothing ε (HF `label_smoothing_factor`); default 0 (plain cross-entropy). */
  labelSmoothing?: number;
}

/**
 * One vanilla MLM step: masked pass in train mode, cross-entropy (optionally label-smoothed) at
 * the masked positions per masked token, optional clipping, `optimizer.step`. The baseline the SE
 * step is compared with (same batch, same masked positions).
 */
export function mlmTrainingStep(
  model: MaskedLmModel,
  optimizer: GradientStepper,
  batch: MaskedBatch,
  options: MlmStepOptions = {},
): StepResult {
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1))
    throw new MaskingConfigError('labelSmoothing', `must be in [0, 1], got ${eps}`);
  const gold = goldAt(batch);
  if (gold.length === 0) return { loss: 0, numMasked: 0, skipped: true };
  return applyStep(
    model,
    optimizer,
    () =>
      tf.tidy(() => {
        const logits = maskedLogits(model, batch, batch.inputIds, true);
        return (
          eps > 0
            ? labelSmoothedCrossEntropy(logits, gold, { epsilon: eps })
            : crossEntropyAtPositions(logits, gold)
        ) as tf.Scalar;
      }),
    gold.length,
    options,
  );
}

/** Held-out MLM loss (mean CE per masked token) in eval mode, no gradient, no update. */
export function evaluateMlmLoss(
  model: MaskedLmModel,
  batch: MaskedBatch,
): { loss: number; numMasked: number } {
  const gold = goldAt(batch);
  if (gold.length === 0) return { loss: 0, numMasked: 0 };
  const loss = tf.tidy(() =>
    crossEntropyAtPositions(maskedLogits(model, batch, batch.inputIds, false), gold),
  );
  const v = loss.dataSync()[0];
  loss.dispose();
  return { loss: v, numMasked: gold.length };
}
