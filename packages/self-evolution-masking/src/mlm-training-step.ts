import type { GradientStepper, MaskedLmModel } from './masked-lm-model.js';
import { type MlmLossOptions, mlmLabelSmoothing, mlmLoss } from './mlm-loss.js';
import type { MaskedBatch } from './token-batch.js';
import { applyStep, goldAt, type StepOptions, type StepResult } from './train-step-common.js';

export interface MlmStepOptions extends StepOptions, MlmLossOptions {}

/**
 * One vanilla MLM step: `mlmLoss` (masked pass in train mode, cross-entropy — optionally
 * label-smoothed — at the masked positions per masked token), optional clipping, `optimizer.step`.
 * The baseline the SE step is compared with (same batch, same masked positions). A batch without
 * masked tokens is skipped.
 */
export function mlmTrainingStep(
  model: MaskedLmModel,
  optimizer: GradientStepper,
  batch: MaskedBatch,
  options: MlmStepOptions = {},
): StepResult {
  mlmLabelSmoothing(options); // option errors come before the empty-batch skip
  const numMasked = goldAt(batch).length;
  if (numMasked === 0) return { loss: 0, numMasked: 0, skipped: true };
  return applyStep(model, optimizer, () => mlmLoss(model, batch, options, true), numMasked, options);
}

/** Held-out MLM loss (mean CE per masked token) in eval mode, no gradient, no update. */
export function evaluateMlmLoss(
  model: MaskedLmModel,
  batch: MaskedBatch,
): { loss: number; numMasked: number } {
  const gold = goldAt(batch);
  if (gold.length === 0) return { loss: 0, numMasked: 0 };
  const loss = mlmLoss(model, batch, {}, false);
  const v = loss.dataSync()[0];
  loss.dispose();
  return { loss: v, numMasked: gold.length };
}
