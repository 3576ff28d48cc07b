import { clipByGlobalNorm } from '@selfevo/encoder-model';
import {
  crossEntropyAtPositions,
  labelSmoothedCrossEntropy,
  rectifiedSmoothLabelLoss,
} from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { MaskingConfigError, ShapeMismatchError } from './errors.js';
import type { GradientStepper, MaskedLmInputs, MaskedLmModel } from './masked-lm-model.js';
import type { MaskedBatch } from './token-batch.js';

export interface StepOptions {
  /** Learning rate for this step (e.g. from `learningRateAt`); default: the optimizer's own. */
  lr?: number;
  /** Clip gradients to this global L2 norm (PyTorch `clip_grad_norm_`); default: no clipping. */
  maxGradNorm?: number;
}

export interface StepResult {
  /** The loss of this step, per masked token. */
  loss: number;
  /** Number of masked (predicted) tokens. */
  numMasked: number;
  /** Global gradient norm before clipping (only when `maxGradNorm` is set). */
  gradNorm?: number;
  /** True when the batch had no masked token: nothing was updated. */
  skipped: boolean;
}

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

export interface MlmStepOptions extends StepOptions {
  /** Label smoothing ε (HF `label_smoothing_factor`); default 0 (plain cross-entropy). */
  labelSmoothing?: number;
}

function inputsOf(batch: MaskedBatch, ids: Int32Array, training: boolean): MaskedLmInputs {
  const shape = [batch.batchSize, batch.seqLength];
  return {
    inputIds: { data: ids, shape },
    attentionMask: batch.attentionMask ? { data: batch.attentionMask, shape } : undefined,
    tokenTypeIds: batch.tokenTypeIds ? { data: batch.tokenTypeIds, shape } : undefined,
    training,
  };
}

/** MLM logits `[N, V]` at the masked positions only (other forward outputs are disposed). */
function maskedLogits(
  model: MaskedLmModel,
  batch: MaskedBatch,
  ids: Int32Array,
  training: boolean,
): tf.Tensor2D {
  return tf.tidy(() => model.forward(inputsOf(batch, ids, training), batch.maskedPositions).logits);
}

function goldAt(batch: MaskedBatch): Int32Array {
  const n = batch.batchSize * batch.seqLength;
  for (const key of ['inputIds', 'labels', 'originalInputIds'] as const)
    if (batch[key]?.length !== n)
      throw new ShapeMismatchError(
        key,
        `expected length ${n} (batchSize·seqLength), got ${batch[key]?.length}`,
      );
  const gold = new Int32Array(batch.maskedPositions.length);
  for (let k = 0; k < gold.length; k++) {
    const i = batch.maskedPositions[k];
    if (!(i >= 0 && i < n))
      throw new ShapeMismatchError('maskedPositions', `position ${i} is outside [0, ${n})`);
    gold[k] = batch.labels[i];
  }
  return gold;
}

function applyStep(
  model: MaskedLmModel,
  optimizer: GradientStepper,
  lossFn: () => tf.Scalar,
  numMasked: number,
  o: StepOptions,
): StepResult {
  if (o.maxGradNorm !== undefined && !(o.maxGradNorm > 0))
    throw new MaskingConfigError('maxGradNorm', `must be > 0, got ${o.maxGradNorm}`);
  const params = model.namedParameters();
  const vars = [...params.values()];
  const nameOf = new Map<string, string>();
  for (const [name, v] of params) nameOf.set(v.name, name);
  const { value, grads: byVar } = tf.variableGrads(lossFn, vars);
  let grads: Record<string, tf.Tensor> = {};
  for (const [vn, g] of Object.entries(byVar)) grads[nameOf.get(vn) ?? vn] = g;
  const loss = value.dataSync()[0];
  value.dispose();
  let gradNorm: number | undefined;
  if (o.maxGradNorm !== undefined) {
    const clipped = clipByGlobalNorm(grads, o.maxGradNorm);
    tf.dispose(Object.values(grads));
    grads = clipped.grads;
    gradNorm = clipped.globalNorm;
  }
  try {
    optimizer.step(grads, o.lr);
  } finally {
    tf.dispose(Object.values(grads));
  }
  return { loss, numMasked, gradNorm, skipped: false };
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
