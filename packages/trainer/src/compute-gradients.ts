import { SeededRandom } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderLike, LossContext, LossFn } from './types.js';

/** The loss of one (micro)batch and the gradients of every trainable parameter it reaches. */
export interface GradientResult {
  /** The loss value (read back from the device; may be NaN/Infinity — the caller checks). */
  loss: number;
  /** Gradients keyed by the model's parameter names; parameters the loss does not reach are absent. */
  grads: Record<string, tf.Tensor>;
}

/**
 * Compute the loss of one (micro)batch and its gradients with respect to the model's trainable
 * parameters. Pure with respect to the model (no update). This is the unit of work the
 * data-parallel option hands to each worker, so it must not depend on any trainer state beyond
 * its arguments. The caller owns (and must dispose) the returned gradient tensors. `ctx`
 * defaults to a generator seeded with 0 and step 0.
 */
export function computeGradients<M extends EncoderLike, B>(
  model: M,
  lossFn: LossFn<M, B>,
  batch: B,
  ctx: LossContext = { rng: new SeededRandom(0), step: 0 },
): GradientResult {
  const params = model.namedParameters();
  const byVarName = new Map<string, string>();
  const varList: tf.Variable[] = [];
  for (const [key, v] of params) {
    if (!v.trainable) continue;
    byVarName.set(v.name, key);
    varList.push(v);
  }
  if (varList.length === 0) throw new Error('computeGradients: the model has no trainable parameters');
  const { value, grads } = tf.variableGrads(() => {
    const loss = lossFn(model, batch, true, ctx);
    if (!(loss instanceof tf.Tensor) || loss.rank !== 0)
      throw new TypeError('computeGradients: lossFn must return a scalar tensor');
    return loss;
  }, varList);
  const loss = value.dataSync()[0];
  value.dispose();
  const named: Record<string, tf.Tensor> = {};
  for (const [varName, g] of Object.entries(grads)) {
    if (g == null) continue;
    named[byVarName.get(varName)!] = g;
  }
  return { loss, grads: named };
}
