// Building blocks of the encoder, with gradients written for the wasm backend: tfjs-core's
// MatMul gradient uses matMul transpose flags, which wasm runs 10–40× slower than an explicit
// transpose followed by a plain matMul (docs/platform-notes.md), so these use explicit transposes.
import * as tf from '@tensorflow/tfjs-core';
import type { HiddenAct } from './config.js';
import { SeededRandom } from './rng.js';

/**
 * y = x·Wᵀ + b for x [N, in], W [out, in] (PyTorch/HF layout), b [out].
 * Gradients: dx = dy·W, dW = dyᵀ·x, db = Σ dy — all without transpose flags.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (b) return linearBias(x, w, b);
  return linearNoBias(x, w);
}

const linearBias = tf.customGrad((x, w, b, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  const value = tf.fused.matMul({
    a: x as tf.Tensor2D,
    b: tf.transpose(w as tf.Tensor2D),
    bias: b as tf.Tensor,
  });
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), tf.matMul(tf.transpose(dy2), xs), tf.sum(dy2, 0)];
    },
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const linearNoBias = tf.customGrad((x, w, save) => {
  (save as unknown as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  const value = tf.matMul(x as tf.Tensor2D, tf.transpose(w as tf.Tensor2D));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), tf.matMul(tf.transpose(dy2), xs)];
    },
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Batched a·b for a [N, m, k], b [N, k, n]; gradients da = dy·bᵀ, db = aᵀ·dy with explicit transposes. */
export const bmm = tf.customGrad((a, b, save) => {
  (save as unknown as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor3D[];
      const dy3 = dy as tf.Tensor3D;
      return [tf.matMul(dy3, tf.transpose(bs, [0, 2, 1])), tf.matMul(tf.transpose(as, [0, 2, 1]), dy3)];
    },
  };
}) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/** LayerNorm over the last axis (biased variance, as PyTorch). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), axis, true);
  const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, tf.scalar(eps))));
  return tf.add(tf.mul(normed, gamma), beta);
}

/** The feed-forward activation named by HF's `hidden_act`. */
export function activation(x: tf.Tensor, act: HiddenAct): tf.Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'gelu': // x·Φ(x) = ½x(1 + erf(x/√2))
      return tf.mul(
        tf.mul(x, tf.scalar(0.5)),
        tf.add(tf.scalar(1), tf.erf(tf.mul(x, tf.scalar(Math.SQRT1_2)))),
      );
    case 'gelu_new': {
      // ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
      const inner = tf.mul(
        tf.add(x, tf.mul(tf.pow(x, tf.scalar(3)), tf.scalar(0.044715))),
        tf.scalar(Math.sqrt(2 / Math.PI)),
      );
      return tf.mul(tf.mul(x, tf.scalar(0.5)), tf.add(tf.scalar(1), tf.tanh(inner)));
    }
  }
}

/**
 * Inverted dropout. The keep mask (0 or 1/(1−rate)) is drawn in JS from a generator seeded by
 * `rng`, so runs are reproducible and resumable from the RNG state, and it costs one multiply
 * kernel. Identity when `rate` is 0 or `rng` is absent (eval mode).
 */
export function dropout(x: tf.Tensor, rate: number, rng: SeededRandom | undefined): tf.Tensor {
  if (!rng || rate <= 0) return x;
  if (rate >= 1) return tf.zerosLike(x);
  const gen = new SeededRandom(rng.nextUint32());
  const n = x.size;
  const mask = new Float32Array(n);
  const keep = 1 / (1 - rate);
  const threshold = Math.floor(rate * 4294967296); // keep when a uniform uint32 ≥ rate·2³²
  for (let i = 0; i < n; i++) if (gen.nextUint32() >= threshold) mask[i] = keep;
  return tf.mul(x, tf.tensor(mask, x.shape, 'float32'));
}
