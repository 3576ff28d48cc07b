import * as tf from '@tensorflow/tfjs-core';
import {
  checkReduction,
  gatherRows,
  type Labels,
  type Reduction,
  type RowIndices,
  reduce,
  selectRows,
  zeroLoss,
} from './select-rows.js';
import { softmaxNll } from './softmax-nll.js';

export interface CrossEntropyOptions {
  /** Labels equal to this are not counted (HF / PyTorch convention). Default −100. */
  ignoreIndex?: number;
  /** Flat row indices into the logits (viewed as `[rows, V]`) to score; default: every row. */
  positions?: RowIndices;
  /** Default `mean`: divided by the number of counted (non-ignored) rows, i.e. per masked token. */
  reduction?: Reduction;
}

/**
 * Cross-entropy `−log softmax(logits)[y]` at selected rows, skipping `ignoreIndex` labels.
 *
 * `logits`: `[..., V]`, viewed as `[rows, V]`; `labels`: one per row. The gold log-probability is
 * taken by a flat gather (no one-hot), and the softmax of the forward pass is kept for the
 * gradient (see `softmaxNll`). If every row is ignored the loss is 0 and its gradient is zero
 * (no NaN).
 */
export function crossEntropyAtPositions(
  logits: tf.Tensor,
  labels: Labels,
  options?: CrossEntropyOptions & { reduction?: 'mean' | 'sum' },
): tf.Scalar;
export function crossEntropyAtPositions(
  logits: tf.Tensor,
  labels: Labels,
  options: CrossEntropyOptions,
): tf.Tensor;
export function crossEntropyAtPositions(
  logits: tf.Tensor,
  labels: Labels,
  options: CrossEntropyOptions = {},
): tf.Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  const sel = selectRows(logits, labels, options);
  if (sel.rowIndex.length === 0) return zeroLoss(logits, reduction);
  return tf.tidy(() => reduce(softmaxNll(gatherRows(logits, sel), sel.gold), reduction));
}
