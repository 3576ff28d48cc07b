import * as tf from '@tensorflow/tfjs-core';
import { LossConfigError, ShapeMismatchError } from './errors.js';
import { checkSameShape, zeroLoss } from './select-rows.js';

export interface KlDistillationOptions {
  /** Softmax temperature T applied to both student and teacher logits; default 1. */
  temperature?: number;
  /** Multiply by T² so gradient magnitudes do not shrink with T (Hinton et al.); default `true`. */
  scaleByTemperatureSquared?: boolean;
}

/**
 * `KL(softmax(t/T) ‖ softmax(s/T))`, summed over classes and averaged over the batch
 * (PyTorch's `reduction='batchmean'`), times T² by default. Logits `[B, C]`; the teacher is a
 * constant target (compute it outside the gradient closure). Uses `logSoftmax` for both sides, so
 * teacher probabilities that underflow to 0 contribute exactly 0.
 */
export function klDistillation(
  studentLogits: tf.Tensor,
  teacherLogits: tf.Tensor,
  options: KlDistillationOptions = {},
): tf.Scalar {
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new LossConfigError('temperature', `must be a positive finite number, got ${temperature}`);
  if (studentLogits.rank !== 2)
    throw new ShapeMismatchError('studentLogits', `expected [B, C], got shape [${studentLogits.shape}]`);
  checkSameShape(studentLogits, teacherLogits, 'studentLogits', 'teacherLogits');
  const batch = studentLogits.shape[0];
  if (studentLogits.size === 0) return zeroLoss(studentLogits, 'sum') as tf.Scalar;
  return tf.tidy(() => {
    const invT = tf.scalar(1 / temperature);
    const logq = tf.logSoftmax(tf.mul(teacherLogits, invT));
    const logp = tf.logSoftmax(tf.mul(studentLogits, invT));
    const kl = tf.sum(tf.mul(tf.exp(logq), tf.sub(logq, logp)));
    const scale = (options.scaleByTemperatureSquared ?? true) ? temperature * temperature : 1;
    return tf.mul(kl, tf.scalar(scale / batch)) as tf.Scalar;
  });
}
