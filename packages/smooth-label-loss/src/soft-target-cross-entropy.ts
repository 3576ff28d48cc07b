import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';
import {
  checkReduction,
  checkSameShape,
  type Reduction,
  type RowIndices,
  reduce,
  rowsView,
  toInt32,
  zeroLoss,
} from './select-rows.js';

export interface SoftTargetOptions {
  /** Flat row indices (into `[rows, V]`) to count; default every row. */
  positions?: RowIndices;
  /** Default `mean` over counted rows. */
  reduction?: Reduction;
}

/**
 * Cross-entropy against a soft target distribution: `−Σ_v q_v log softmax(logits)_v` per row.
 * `targets` has the shape of `logits` and must be a constant (computed outside the gradient).
 */
export function softTargetCrossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: SoftTargetOptions = {},
): tf.Tensor {
  const { rows, vocab } = rowsView(logits);
  checkSameShape(logits, targets, 'logits', 'targets');
  const positions = options.positions ? toInt32(options.positions, 'positions') : null;
  if (positions)
    for (let k = 0; k < positions.length; k++)
      if (positions[k] < 0 || positions[k] >= rows)
        throw new ShapeMismatchError(
          'positions',
          `position ${positions[k]} at index ${k} is outside [0, ${rows})`,
        );
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  if ((positions ? positions.length : rows) === 0) return zeroLoss(logits, reduction);
  return tf.tidy(() => {
    let lg = tf.reshape(logits, [rows, vocab]);
    let q = tf.reshape(targets, [rows, vocab]);
    if (positions) {
      const ix = tf.tensor1d(positions, 'int32');
      lg = tf.gather(lg, ix);
      q = tf.gather(q, ix);
    }
    const perRow = tf.neg(tf.sum(tf.mul(q, tf.logSoftmax(lg)), 1)) as tf.Tensor1D;
    return reduce(perRow, reduction);
  });
}
