import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';
import { checkSameShape, zeroLoss } from './select-rows.js';

export interface LogitMseOptions {
  /**
   * PANDA's released code divides the mean squared error (mean over batch × classes) once more by
   * the batch size; default `true` (as released). `false` gives the plain MSE.
   */
  divideByBatchSize?: boolean;
}

/**
 * Logit-matching distillation as in PANDA's code: `mean_{b,c}((s − t)²) / B` for student and
 * teacher logits `[B, C]` (teacher constant: compute it outside the gradient closure).
 */
export function logitMseDistillation(
  studentLogits: tf.Tensor,
  teacherLogits: tf.Tensor,
  options: LogitMseOptions = {},
): tf.Scalar {
  if (studentLogits.rank !== 2)
    throw new ShapeMismatchError('studentLogits', `expected [B, C], got shape [${studentLogits.shape}]`);
  checkSameShape(studentLogits, teacherLogits, 'studentLogits', 'teacherLogits');
  const batch = studentLogits.shape[0];
  if (studentLogits.size === 0) return zeroLoss(studentLogits, 'sum') as tf.Scalar;
  return tf.tidy(() => {
    const mse = tf.mean(tf.square(tf.sub(studentLogits, teacherLogits)));
    return (options.divideByBatchSize ?? true)
      ? (tf.div(mse, tf.scalar(batch)) as tf.Scalar)
      : (mse as tf.Scalar);
  });
}
