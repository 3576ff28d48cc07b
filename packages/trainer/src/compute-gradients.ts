import { SeededRandom, valueAndGrads, valueAndGradsTensor } from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import type { EncoderLike, LossContext, LossFn } from './types.js';

/** The loss of one (micro)batch and the gradients of every trained parameter it reaches. */
export interface GradientResult {
  /** The loss value (read back from the device; may be NaN/Infinity — the caller checks). */
  loss: number;
  /** Gradients keyed by the model's parameter names; parameters the loss does not reach are absent. */
  grads: Record<string, tf.Tensor>;
}

/**
 * Compute the loss of one (micro)batch and its gradients with respect to `params` (default: all of
 * the model's parameters; variables with `trainable === false` never get one), through
 * encoder-model's `valueAndGrads`. Pure with respect to the model (no update). This is the unit of
 * work the data-parallel option hands to each worker, so it must not depend on any trainer state
 * beyond its arguments. The caller owns (and must dispose) the returned gradient tensors. `ctx`
 * defaults to a generator seeded with 0 and step 0.
 */
export function computeGradients<M extends EncoderLike, B>(
  model: M,
  lossFn: LossFn<M, B>,
  batch: B,
  ctx: LossContext = { rng: new SeededRandom(0), step: 0 },
  params: ReadonlyMap<string, tf.Variable> = model.namedParameters(),
): GradientResult {
  return valueAndGrads(params, () => lossFn(model, batch, true, ctx));
}

/**
 * {@link computeGradients} with the loss read back asynchronously (`await data()`): what the
 * training loop uses, so a step never reads the device synchronously (slow on WebGPU, and unreliable
 * there in headless Chromium). Same numbers.
 */
export async function computeGradientsAsync<M extends EncoderLike, B>(
  model: M,
  lossFn: LossFn<M, B>,
  batch: B,
  ctx: LossContext,
  params: ReadonlyMap<string, tf.Variable>,
): Promise<GradientResult> {
  const { value, grads } = valueAndGradsTensor(params, () => lossFn(model, batch, true, ctx));
  try {
    return { loss: (await value.data())[0], grads };
  } catch (err) {
    for (const g of Object.values(grads)) g.dispose();
    throw err;
  } finally {
    value.dispose();
  }
}
