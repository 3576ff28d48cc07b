// Multi-head scaled dot-product self-attention (HF BertSelfAttention), on flattened activations.
// Shapes: B batch, S sequence, K = Pk + S attended keys, H hidden, A heads, d = H / A.
import * as tf from '@tensorflow/tfjs-core';
import { type KeyValuePrefix, prependKeyValues } from './key-value-prefix.js';
import { bmm, dropout, gatherRows, linear, maskedSoftmax } from './ops.js';
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
  /** Compute outputs only for these rows of h (queries); keys and values still come from every row. */
  queries?: QueryRows;
}

/**
 * A subset of the flat rows `b·S + s` of h, M per batch row (padded by repeating a row of the same
 * batch): `index` [B·M]. A layer given it returns only those rows, [B·M, H].
 */
export interface QueryRows {
  index: tf.Tensor1D; // [B·M]
  perBatch: number; // M
}

/**
 * softmax(q·kᵀ/√d + mask)·v for h [B·S, H] → the heads' contexts, merged: [B·S, H]; with
 * `o.queries`, only for those rows: [B·M, H] (Q = M below, else Q = S).
 */
export function selfAttention(h: tf.Tensor2D, p: AttentionParams, o: AttentionOptions): tf.Tensor2D {
  const { B, S, heads: A } = o;
  const H = h.shape[1];
  const d = H / A;
  const Q = o.queries?.perBatch ?? S;
  const split = (t: tf.Tensor2D, n: number): tf.Tensor4D => tf.reshape(t, [B, n, A, d]); // [B, n, A, d]
  // 1/√d folded into the query weights ([H, H]) instead of the [B·S, H] activations
  const qScale = tf.scalar(1 / Math.sqrt(d));
  const wq = tf.mul<tf.Tensor2D>(p.query.weight, qScale);
  const bq = tf.mul<tf.Tensor1D>(p.query.bias, qScale);
  const hq = o.queries ? gatherRows(h, o.queries.index) : h; // [B·Q, H]
  const q: tf.Tensor3D = tf.reshape(tf.transpose(split(linear(hq, wq, bq), Q), [0, 2, 1, 3]), [B * A, Q, d]); // [B·A, Q, d]
  let kT = tf.transpose(split(linear(h, p.key.weight, p.key.bias), S), [0, 2, 3, 1]); // [B, A, d, S]
  let v = tf.transpose(split(linear(h, p.value.weight, p.value.bias), S), [0, 2, 1, 3]); // [B, A, S, d]
  if (o.prefix) ({ kT, v } = prependKeyValues(kT, v, o.prefix)); // [B, A, d, K], [B, A, K, d]
  const K = kT.shape[3];
  const scores: tf.Tensor4D = tf.reshape(bmm(q, tf.reshape(kT, [B * A, d, K])), [B, A, Q, K]); // [B, A, Q, K]
  const probs = dropout(maskedSoftmax(scores, o.maskBias), o.dropoutRate, o.rng); // [B, A, Q, K]
  const ctx = bmm(tf.reshape(probs, [B * A, Q, K]), tf.reshape(v, [B * A, K, d])); // [B·A, Q, d]
  return tf.reshape(tf.transpose(tf.reshape(ctx, [B, A, Q, d]), [0, 2, 1, 3]), [B * Q, H]); // [B·Q, H]
}
