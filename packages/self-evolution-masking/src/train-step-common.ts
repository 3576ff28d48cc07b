import { clipByGlobalNorm, valueAndGrads } from '@selfevo/encoder-model';
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

function inputsOf(batch: MaskedBatch, ids: Int32Array, training: boolean): MaskedLmInputs {
  const shape = [batch.batchSize, batch.seqLength];
  return {
    inputIds: { data: ids, shape },
    attentionMask: batch.attentionMask ? { data: batch.attentionMask, shape } : undefined,
    tokenTypeIds: batch.tokenTypeIds ? { data: batch.tokenTypeIds, shape } : undefined,
    training,
  };
}

/**
 * MLM logits `[N, V]` at the masked positions only (other forward outputs are disposed). The
 * encoder's last layer runs only at those positions too (`lastLayer: 'masked'`): nothing reads
 * its other rows.
 */
export function maskedLogits(
  model: MaskedLmModel,
  batch: MaskedBatch,
  ids: Int32Array,
  training: boolean,
): tf.Tensor2D {
  return tf.tidy(
    () =>
      model.forward(inputsOf(batch, ids, training), batch.maskedPositions, { lastLayer: 'masked' }).logits,
  );
}

/** The gold token ids `[N]` at the masked positions (checks the batch's array lengths and positions). */
export function goldAt(batch: MaskedBatch): Int32Array {
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

/** `goldAt`, for a loss: a batch without any masked token has no loss (a data error). */
export function goldForLoss(batch: MaskedBatch): Int32Array {
  const gold = goldAt(batch);
  if (gold.length === 0)
    throw new MaskingConfigError('maskedPositions', 'the batch has no masked token, so no MLM loss');
  return gold;
}

/**
 * One optimizer step on `loss()` (built with `seLoss` / `mlmLoss`): gradients of every model
 * parameter (`valueAndGrads`), optional global-norm clipping, `optimizer.step(grads, lr)`.
 */
export function applyStep(
  model: MaskedLmModel,
  optimizer: GradientStepper,
  loss: () => tf.Scalar,
  numMasked: number,
  o: StepOptions,
): StepResult {
  if (o.maxGradNorm !== undefined && !(o.maxGradNorm > 0))
    throw new MaskingConfigError('maxGradNorm', `must be > 0, got ${o.maxGradNorm}`);
  const result = valueAndGrads(model.namedParameters(), loss);
  let grads = result.grads;
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
  return { loss: result.loss, numMasked, gradNorm, skipped: false };
}
