// Multi-head scaled dot-product self-attention (HF BertSelfAttention), on flattened activations.
// Shapes: B batch, S sequence, K = Pk + S attended keys, H hidden, A heads, d = H / A.
import * as tf from '@tensorflow/tfjs-core';
import { type KeyValuePrefix, prependKeyValues } from './key-value-prefix.js';
import { bmm, dropout, linear, maskedSoftmax } from './ops.js';
import type { Dense } from './parameter-set.js';
import type { SeededRandom } from './rng.js';

export interface AttentionParams {
  query: Dense;
  key: Dense;
  value: Dense;
}

export interface AttentionOptions {
  B: number;
  S: number;
  heads: number;
  /** Additive mask [B, 1, 1, K] (see `attentionMaskBias`). */
  maskBias: tf.Tensor4D;
  /** Dropout on the attention probabilities. */
  dropoutRate: number;
  /** Dropout RNG; undefined in eval mode. */
  rng?: SeededRandom;
  /** This layer's deep-prompt keys and values. */
  prefix?: KeyValuePrefix;
}

/** softmax(q·kᵀ/√d + mask)·v for h [B·S, H] → the heads' contexts, merged: [B·S, H]. */
export function selfAttention(h: tf.Tensor2D, p: AttentionParams, o: AttentionOptions): tf.Tensor2D {
  const { B, S, heads: A } = o;
  const H = h.shape[1];
  const d = H / A;
  const split = (t: tf.Tensor2D): tf.Tensor4D => tf.reshape(t, [B, S, A, d]); // [B, S, A, d]
  // 1/√d folded into the query weights ([H, H]) instead of the [B·S, H] activations
  const qScale = tf.scalar(1 / Math.sqrt(d));
  const wq = tf.mul<tf.Tensor2D>(p.query.weight, qScale);
  const bq = tf.mul<tf.Tensor1D>(p.query.bias, qScale);
  const q: tf.Tensor3D = tf.reshape(tf.transpose(split(linear(h, wq, bq)), [0, 2, 1, 3]), [B * A, S, d]); // [B·A, S, d]
  let kT = tf.transpose(split(linear(h, p.key.weight, p.key.bias)), [0, 2, 3, 1]); // [B, A, d, S]
  let v = tf.transpose(split(linear(h, p.value.weight, p.value.bias)), [0, 2, 1, 3]); // [B, A, S, d]
  if (o.prefix) ({ kT, v } = prependKeyValues(kT, v, o.prefix)); // [B, A, d, K], [B, A, K, d]
  const K = kT.shape[3];
  const scores: tf.Tensor4D = tf.reshape(bmm(q, tf.reshape(kT, [B * A, d, K])), [B, A, S, K]); // [B, A, S, K]
  const probs = dropout(maskedSoftmax(scores, o.maskBias), o.dropoutRate, o.rng); // [B, A, S, K]
  const ctx = bmm(tf.reshape(probs, [B * A, S, K]), tf.reshape(v, [B * A, K, d])); // [B·A, S, d]
  return tf.reshape(tf.transpose(tf.reshape(ctx, [B, A, S, d]), [0, 2, 1, 3]), [B * S, H]); // [B·S, H]
}
