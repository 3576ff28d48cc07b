// The position-wise feed-forward block (HF BertIntermediate + the dense of BertOutput).
import type * as tf from '@tensorflow/tfjs-core';
import type { HiddenAct } from './config.js';
import { activation, dropout, linear } from './ops.js';
import type { Dense } from './parameter-set.js';
import type { SeededRandom } from './rng.js';

export interface FeedForwardParams {
  intermediate: Dense; // [F, H]
  output: Dense; // [H, F]
}

/**
 * h [B·S, H] → `inner` = act(h·W1ᵀ + b1) [B·S, F] and `out` = dropout(inner·W2ᵀ + b2) [B·S, H]
 * (before the residual and LayerNorm).
 */
export function feedForward(
  h: tf.Tensor2D,
  p: FeedForwardParams,
  act: HiddenAct,
  dropoutRate: number,
  rng?: SeededRandom,
): { inner: tf.Tensor2D; out: tf.Tensor2D } {
  const inner = activation(linear(h, p.intermediate.weight, p.intermediate.bias), act); // [B·S, F]
  const out = dropout(linear(inner, p.output.weight, p.output.bias), dropoutRate, rng); // [B·S, H]
  return { inner, out };
}
