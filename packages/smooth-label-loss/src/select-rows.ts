import * as tf from '@tensorflow/tfjs-core';
import { LabelRangeError, LossConfigError, ShapeMismatchError } from './errors.js';

/** Integer labels: a typed array, a plain array or an int tensor (read once, outside any gradient). */
export type Labels = Int32Array | ArrayLike<number> | tf.Tensor;

/** Flat row indices (into the logits viewed as `[rows, V]`). */
export type RowIndices = Int32Array | ArrayLike<number>;

/** How per-row losses are combined: `mean` over counted rows (the default), `sum`, or `none` (one value per counted row). */
export type Reduction = 'mean' | 'sum' | 'none';

/** The counted rows of a `[rows, V]` logits view: which rows, and their gold classes. */
export interface SelectedRows {
  rows: number;
  vocab: number;
  /** Flat row indices of the counted rows, ascending in input order. */
  rowIndex: Int32Array;
  /** Gold class of each counted row (same length as `rowIndex`). */
  gold: Int32Array;
}

export function toInt32(x: Labels, parameter: string): Int32Array {
  if (x instanceof tf.Tensor) {
    if (x.dtype !== 'int32' && x.dtype !== 'float32')
      throw new ShapeMismatchError(parameter, `expected an int32 tensor, got dtype ${x.dtype}`);
    if (x.dtype === 'int32') return Int32Array.from(x.dataSync() as ArrayLike<number>);
    x = x.dataSync() as Float32Array;
  }
  if (x instanceof Int32Array) return x;
  const out = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isInteger(v)) throw new LabelRangeError(parameter, `element ${i} is not an integer (${v})`);
    out[i] = v;
  }
  return out;
}

/** `[..., V]` → `[rows, V]` (a reshape, no copy of data semantics). */
export function rowsView(logits: tf.Tensor, parameter = 'logits'): { rows: number; vocab: number } {
  if (logits.rank < 2)
    throw new ShapeMismatchError(parameter, `expected rank >= 2 ([..., V]), got shape [${logits.shape}]`);
  const vocab = logits.shape[logits.rank - 1];
  if (vocab < 1) throw new ShapeMismatchError(parameter, `last axis (classes) is empty`);
  return { rows: logits.size / vocab, vocab };
}

/**
 * Resolve which rows count: `positions` (if given) picks rows of the logits; of those, rows whose
 * label equals `ignoreIndex` are dropped. Labels are indexed by logits row, so with `positions`
 * the labels still cover every row (e.g. logits `[B, T, V]`, labels `[B·T]` with −100).
 */
export function selectRows(
  logits: tf.Tensor,
  labels: Labels,
  options: { ignoreIndex?: number; positions?: RowIndices } = {},
): SelectedRows {
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex))
    throw new LossConfigError('ignoreIndex', `must be an integer, got ${ignoreIndex}`);
  const { rows, vocab } = rowsView(logits);
  const lab = toInt32(labels, 'labels');
  if (lab.length !== rows)
    throw new ShapeMismatchError(
      'labels',
      `expected one label per logits row (${rows} rows of shape [${logits.shape}]), got ${lab.length}`,
    );
  const candidates = options.positions ? toInt32(options.positions, 'positions') : null;
  const n = candidates ? candidates.length : rows;
  const rowIndex: number[] = [];
  const gold: number[] = [];
  for (let k = 0; k < n; k++) {
    const r = candidates ? candidates[k] : k;
    if (r < 0 || r >= rows)
      throw new ShapeMismatchError('positions', `position ${r} at index ${k} is outside [0, ${rows})`);
    const y = lab[r];
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= vocab)
      throw new LabelRangeError(
        'labels',
        `label ${y} at row ${r} is neither ignoreIndex (${ignoreIndex}) nor a class id in [0, ${vocab})`,
      );
    rowIndex.push(r);
    gold.push(y);
  }
  return { rows, vocab, rowIndex: Int32Array.from(rowIndex), gold: Int32Array.from(gold) };
}

/** The counted rows of a logits-shaped tensor, as `[K, V]` (a gather; works for K = 0). */
export function gatherRows(x: tf.Tensor, sel: SelectedRows): tf.Tensor2D {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [sel.rows, sel.vocab]) as tf.Tensor2D;
    if (sel.rowIndex.length === sel.rows && isIdentity(sel.rowIndex)) return flat;
    return tf.gather(flat, tf.tensor1d(sel.rowIndex, 'int32')) as tf.Tensor2D;
  });
}

function isIdentity(ix: Int32Array): boolean {
  for (let i = 0; i < ix.length; i++) if (ix[i] !== i) return false;
  return true;
}

/**
 * `logp[k, gold[k]]` for a `[K, V]` log-probability tensor, by a gather at flat indices
 * `k·V + gold[k]` (never a one-hot).
 */
export function gatherGold(logp: tf.Tensor2D, gold: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const [k, v] = logp.shape;
    const flatIndex = new Int32Array(k);
    for (let i = 0; i < k; i++) flatIndex[i] = i * v + gold[i];
    return tf.gather(tf.reshape(logp, [k * v]), tf.tensor1d(flatIndex, 'int32')) as tf.Tensor1D;
  });
}

export function checkReduction(reduction: Reduction): void {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none')
    throw new LossConfigError('reduction', `expected 'mean' | 'sum' | 'none', got ${String(reduction)}`);
}

/** Combine per-row losses `[K]` (K ≥ 1): `mean`, `sum` or `none`. */
export function reduce(perRow: tf.Tensor1D, reduction: Reduction): tf.Tensor {
  return tf.tidy(() => {
    if (reduction === 'none') return perRow;
    if (reduction === 'sum') return tf.sum(perRow);
    return tf.div(tf.sum(perRow), tf.scalar(perRow.shape[0]));
  });
}

/**
 * The loss when nothing is counted: exactly 0 (or an empty `[0]` for `reduction: 'none'`), still
 * connected to `logits` so that `tf.grad` returns a zero gradient instead of throwing. Built from
 * a `where` on one element, never from empty tensors (whose gather gradients crash on cpu and
 * read uninitialised memory on wasm in tfjs 4.22) and never as `0·x` (NaN for infinite x).
 */
export function zeroLoss(logits: tf.Tensor, reduction: Reduction): tf.Tensor {
  return tf.tidy(() => {
    if (reduction === 'none') return tf.tensor1d([], 'float32');
    if (logits.size === 0) return tf.scalar(0);
    const one = tf.slice(tf.reshape(logits, [logits.size]), [0], [1]);
    return tf.sum(tf.where(tf.tensor1d([false], 'bool'), one, tf.zerosLike(one)));
  });
}

export function checkSameShape(a: tf.Tensor, b: tf.Tensor, aName: string, bName: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i]))
    throw new ShapeMismatchError(bName, `shape [${b.shape}] must equal ${aName}'s shape [${a.shape}]`);
}
