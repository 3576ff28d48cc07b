// The padding mask as an additive attention bias.
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';
import { type IntInput, toInt2d } from './int-input.js';

/**
 * 0 where a key may be attended, −1e9 where it is padding: [B, 1, 1, front + T], broadcast over
 * heads and queries. `mask` is [B, T] (1 = attend; default all 1); the `front` positions
 * (key/value prefix and prompt) are always attended.
 */
export function attentionMaskBias(
  mask: IntInput | undefined,
  B: number,
  T: number,
  front: number,
): tf.Tensor4D {
  let m: tf.Tensor2D =
    mask !== undefined ? tf.cast(toInt2d(mask, 'attentionMask', 2), 'float32') : tf.ones([B, T]); // [B, T]
  if (m.shape[0] !== B || m.shape[1] !== T)
    throw new ShapeMismatchError('attentionMask', `must be [${B}, ${T}], got [${m.shape}]`);
  if (front) m = tf.concat([tf.ones<tf.Rank.R2>([B, front]), m], 1); // [B, front + T]
  return tf.reshape(tf.mul(tf.sub(tf.scalar(1), m), tf.scalar(-1e9)), [B, 1, 1, front + T]);
}
