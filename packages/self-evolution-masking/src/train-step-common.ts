import { clipByGlobalNorm } from '@selfevo/encoder-model';
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

/** MLM logits `[N, V]` at the masked positions only (other forward outputs are disposed). */
export function maskedLogits(
  model: MaskedLmModel,
  batch: MaskedBatch,
  ids: Int32Array,
  training: boolean,
): tf.Tensor2D {
  return tf.tidy(() => model.forward(inputsOf(batch, ids, training), batch.maskedPositions).logits);
}

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

export function applyStep(
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
