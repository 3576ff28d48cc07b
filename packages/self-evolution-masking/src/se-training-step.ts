import type { GradientStepper, MaskedLmModel } from './masked-lm-model.js';
import { resolveSeLossOptions, type SeLossOptions, seLoss } from './se-loss.js';
import type { MaskedBatch } from './token-batch.js';
import { applyStep, goldAt, type StepOptions, type StepResult } from './train-step-common.js';

export interface SeStepOptions extends StepOptions, SeLossOptions {}

/**
 * One self-evolution training step (§1.3) on a masked batch from `seMask` (or any masking):
 * `seLoss` (stop-gradient reference on the original input, masked pass in train mode, rectified
 * smooth labels), its gradients, optional global-norm clipping, then `optimizer.step(grads, lr)`.
 * A batch without masked tokens is skipped (nothing updated). For whole runs (schedule,
 * accumulation, checkpoints, resume) use `seLoss` as the loss of `@selfevo/trainer`'s `train()`.
 */
export function seTrainingStep(
  model: MaskedLmModel,
  optimizer: GradientStepper,
  batch: MaskedBatch,
  options: SeStepOptions = {},
): StepResult {
  resolveSeLossOptions(model, options); // option errors come before the empty-batch skip
  const numMasked = goldAt(batch).length;
  if (numMasked === 0) return { loss: 0, numMasked: 0, skipped: true };
  return applyStep(model, optimizer, () => seLoss(model, batch, options, true), numMasked, options);
}
