// Integer inputs (ids, token types, masks) as int32 [B, T] tensors, whatever form they come in.
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';

/** Integer input: a tf int32 tensor, `{ data, shape }` (as the datasets package emits), or nested arrays. */
export type IntInput = tf.Tensor | { data: Int32Array | ArrayLike<number>; shape: number[] } | number[][];

/**
 * `x` as an int32 [B, T] tensor. [B, ..., T] inputs (e.g. multiple choice [B, C, T]) are
 * flattened to [B·C, T]. `what` names the input in errors.
 */
export function toInt2d(x: IntInput, what: string): tf.Tensor2D {
  if (x instanceof tf.Tensor) {
    if (x.rank < 2) throw new ShapeMismatchError(what, `must be [B, T] (or [B, C, T]), got [${x.shape}]`);
    const t = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
    return tf.reshape(t, [-1, t.shape[t.rank - 1]]);
  }
  if (Array.isArray(x)) return tf.tensor2d(x, undefined, 'int32');
  const { data, shape } = x;
  if (shape.length < 2 || data.length !== shape.reduce((a, b) => a * b, 1))
    throw new ShapeMismatchError(what, `data of length ${data.length} does not fit shape [${shape}]`);
  const d = data instanceof Int32Array ? data : Int32Array.from(data);
  const T = shape[shape.length - 1];
  return tf.tensor2d(d, [d.length / T, T], 'int32');
}

/** Runtime rank checks that also narrow the static type. */
export function isTensor2D(t: tf.Tensor): t is tf.Tensor2D {
  return t.rank === 2;
}
export function isTensor3D(t: tf.Tensor): t is tf.Tensor3D {
  return t.rank === 3;
}
