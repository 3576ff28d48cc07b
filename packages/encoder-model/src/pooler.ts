// HF BertPooler: tanh(dense(hidden state of the first input token)).
import * as tf from '@tensorflow/tfjs-core';
import { linear } from './ops.js';
import type { Dense } from './parameter-set.js';

/** The hidden state of the first input token ([CLS] / <s>), after P prompt positions: [B, H]. */
export function firstInputToken(h: tf.Tensor3D, promptLength: number): tf.Tensor2D {
  const [B, , H] = h.shape;
  return tf.reshape(tf.slice(h, [0, promptLength, 0], [B, 1, H]), [B, H]); // [B, H]
}

/** h [B, S, H] → tanh(first·Wᵀ + b) [B, H]. */
export function pool(h: tf.Tensor3D, promptLength: number, dense: Dense): tf.Tensor2D {
  return tf.tanh(linear(firstInputToken(h, promptLength), dense.weight, dense.bias)); // [B, H]
}
