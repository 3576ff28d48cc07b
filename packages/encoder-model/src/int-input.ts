// Integer inputs (ids, token types, masks) as int32 [B, T] tensors, whatever form they come in —
// their shape and (for data held in JS) their values checked before anything is allocated.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidInputError, ShapeMismatchError } from './errors.js';
import { checkElements } from './input-limits.js';

/** Integer input: a tf int32 tensor, `{ data, shape }` (as the datasets package emits), or nested arrays. */
export type IntInput = tf.Tensor | { data: Int32Array | ArrayLike<number>; shape: number[] } | number[][];

/**
 * The [rows, T] an integer input flattens to, read without converting it: a tensor's shape, the
 * `shape` of `{ data, shape }` (non-negative integers whose product is `data.length`), or the
 * row count and row length of nested arrays (every row the same length). Refuses more than the
 * element ceiling before looking at a single value.
 */
export function intInputShape(x: IntInput, what: string): [number, number] {
  if (x instanceof tf.Tensor) {
    if (x.rank < 2) throw new ShapeMismatchError(what, `must be [B, T] (or [B, C, T]), got [${x.shape}]`);
    const T = x.shape[x.rank - 1];
    return [x.size / Math.max(T, 1), T];
  }
  if (Array.isArray(x)) {
    const first: unknown = x[0];
    if (x.length > 0 && !Array.isArray(first))
      throw new ShapeMismatchError(what, 'nested arrays must be [B, T] (a list of rows)');
    const T = x.length > 0 ? (first as unknown[]).length : 0;
    checkElements(what, x.length * T, `[${x.length}, ${T}]`);
    for (let b = 1; b < x.length; b++) {
      const row: unknown = x[b];
      const n = Array.isArray(row) ? row.length : 'no';
      if (n !== T) throw new ShapeMismatchError(what, `row ${b} has ${n} entries, row 0 has ${T}`);
    }
    return [x.length, T];
  }
  const shape: unknown = x?.shape;
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new ShapeMismatchError(
      what,
      `shape ${JSON.stringify(shape)} must list at least two non-negative integers ([B, T] or [B, C, T])`,
    );
  const size = shape.reduce((a: number, d: number) => a * d, 1);
  checkElements(what, size, `[${shape}]`);
  if (x.data?.length !== size)
    throw new ShapeMismatchError(what, `data of length ${x.data?.length} does not fit shape [${shape}]`);
  const T = shape[shape.length - 1] as number;
  return [size / Math.max(T, 1), T];
}

/**
 * `x` as an int32 [B, T] tensor. [B, ..., T] inputs (e.g. multiple choice [B, C, T]) are
 * flattened to [B·C, T]. `what` names the input in errors. Values held in JS must be integers in
 * [0, `below`) (`InvalidInputError` naming the position otherwise: int32 would truncate 2.5 and
 * wrap NaN to 0); tensors are taken as they are (the backend's gather checks their range).
 */
export function toInt2d(x: IntInput, what: string, below = 2 ** 31): tf.Tensor2D {
  const [rows, T] = intInputShape(x, what);
  if (x instanceof tf.Tensor) {
    const t = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
    return tf.reshape(t, [rows, T]);
  }
  const out = new Int32Array(rows * T);
  const bad = (v: unknown, i: number) =>
    new InvalidInputError(
      what,
      `value ${String(v)} at [${Math.floor(i / T)}, ${i % T}] is not an integer in [0, ${below})`,
    );
  if (Array.isArray(x)) {
    for (let b = 0; b < rows; b++) {
      const row = x[b];
      for (let t = 0; t < T; t++) {
        const v = row[t];
        if (!(Number.isInteger(v) && v >= 0 && v < below)) throw bad(v, b * T + t);
        out[b * T + t] = v;
      }
    }
  } else {
    const data = x.data;
    for (let i = 0; i < out.length; i++) {
      const v = data[i];
      if (!(Number.isInteger(v) && v >= 0 && v < below)) throw bad(v, i);
      out[i] = v;
    }
  }
  return tf.tensor2d(out, [rows, T], 'int32');
}

/** Runtime rank checks that also narrow the static type. */
export function isTensor2D(t: tf.Tensor): t is tf.Tensor2D {
  return t.rank === 2;
}
export function isTensor3D(t: tf.Tensor): t is tf.Tensor3D {
  return t.rank === 3;
}
