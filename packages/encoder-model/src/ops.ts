// Building blocks of the encoder, with hand-written gradients. Products use matMul's transpose
// flags instead of explicit transposes: every backend folds them into its GEMM (tfjs's own wasm
// BatchMatMul ran them 10–40× slower, docs/platform-notes.md; @selfevo/backend-wasm's kernels fold
// them into the native GEMM's packing, or transpose once and run XNNPACK in the browser).
import * as tf from '@tensorflow/tfjs-core';
import type { HiddenAct } from './config.js';
import { SeededRandom } from './rng.js';

/**
 * Column sums of m [N, C] → [C] as a matMul with a row of ones: a reduction over axis 0 in the
 * wasm Sum kernel transposes its input first, which costs more than the GEMM.
 */
export function colSum(m: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, m.shape[0]]), m), [m.shape[1]]);
}

/** dW [out, in] of y = x·Wᵀ: dyᵀ·x. */
function weightGrad(dy: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(dy, x, true, false);
}

/**
 * y = x·Wᵀ + b for x [N, in], W [out, in] (PyTorch/HF layout), b [out].
 * Gradients: dx = dy·W, dW = dyᵀ·x, db = column sums of dy.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (b) return linearBias(x, w, b);
  return linearNoBias(x, w);
}

const linearBias = tf.customGrad((x, w, b, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  const value = tf.fused.matMul({
    a: x as tf.Tensor2D,
    b: w as tf.Tensor2D,
    transposeB: true,
    bias: b as tf.Tensor,
  });
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), weightGrad(dy2, xs), colSum(dy2)];
    },
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const linearNoBias = tf.customGrad((x, w, save) => {
  (save as unknown as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  const value = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D, false, true);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), weightGrad(dy2, xs)];
    },
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/**
 * Rows of `table` [V, H] at `indices` (int32 [N]) → [N, H], with the gradient as a scatter-add
 * (`scatterND`, duplicates summed) into [V, H]. tfjs's own gather gradient uses
 * UnsortedSegmentSum, which the cpu backend runs as one masked reduction per segment (per
 * vocabulary row): minutes for a real vocabulary.
 */
export function gatherRows(table: tf.Tensor2D, indices: tf.Tensor1D): tf.Tensor2D {
  return gatherRowsOp(table, indices);
}

const gatherRowsOp = tf.customGrad((table, indices, save) => {
  const t = table as tf.Tensor2D;
  const idx = indices as tf.Tensor1D;
  (save as unknown as tf.GradSaveFunc)([idx]);
  const shape = t.shape;
  return {
    value: tf.gather(t, idx),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const ix = saved[0] as tf.Tensor1D;
      return [tf.scatterND(tf.reshape(ix, [-1, 1]), dy, shape), tf.zerosLike(ix)];
    },
  };
}) as unknown as (table: tf.Tensor2D, indices: tf.Tensor1D) => tf.Tensor2D;

/** Batched a·b for a [N, m, k], b [N, k, n]; gradients da = dy·bᵀ, db = aᵀ·dy. */
export const bmm = tf.customGrad((a, b, save) => {
  (save as unknown as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor3D[];
      const dy3 = dy as tf.Tensor3D;
      return [tf.matMul(dy3, bs, false, true), tf.matMul(as, dy3, true, false)];
    },
  };
}) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/**
 * LayerNorm over the last axis (biased variance, as PyTorch), with a hand-written gradient:
 * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·γ; dγ = Σ dy·x̂, dβ = Σ dy over rows.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const H = x.shape[x.rank - 1];
  const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, H]);
  const y = layerNorm2d(x2 as tf.Tensor2D, gamma, beta, tf.scalar(eps));
  return x.rank === 2 ? y : tf.reshape(y, x.shape);
}

const layerNorm2d = tf.customGrad((x, gamma, beta, eps, save) => {
  const x2 = x as tf.Tensor2D;
  const mean = tf.mean(x2, 1, true); // [N, 1]
  const centered = tf.sub(x2, mean); // [N, H]
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), 1, true), eps as tf.Scalar)); // [N, 1]
  const xhat = tf.mul(centered, rstd); // [N, H]
  (save as unknown as tf.GradSaveFunc)([xhat, rstd, gamma as tf.Tensor]);
  return {
    value: tf.add(tf.mul(xhat, gamma as tf.Tensor), beta as tf.Tensor),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, rs, g] = saved;
      const dy2 = dy as tf.Tensor2D;
      const gh = tf.mul(dy2, g); // [N, H]
      const dx = tf.mul(
        tf.sub(tf.sub(gh, tf.mean(gh, 1, true)), tf.mul(xh, tf.mean(tf.mul(gh, xh), 1, true))),
        rs,
      );
      return [dx, colSum(tf.mul(dy2, xh) as tf.Tensor2D), colSum(dy2), tf.zerosLike(eps as tf.Tensor)];
    },
  };
}) as unknown as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, eps: tf.Scalar) => tf.Tensor2D;

/** The feed-forward activation named by HF's `hidden_act`. */
export function activation(x: tf.Tensor, act: HiddenAct): tf.Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'gelu':
      return geluErf(x);
    case 'gelu_new':
      return geluTanh(x);
  }
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)); gelu'(x) = Φ(x) + x·φ(x). A custom gradient: tfjs's
// Multiply gradient copies (casts) both operands, which the composite formula would pay 3×.
const geluErf = tf.customGrad((x, save) => {
  const xs = x as tf.Tensor;
  const cdf = tf.mul(tf.add(tf.erf(tf.mul(xs, tf.scalar(Math.SQRT1_2))), tf.scalar(1)), tf.scalar(0.5)); // Φ(x)
  (save as unknown as tf.GradSaveFunc)([xs, cdf]);
  return {
    value: tf.mul(xs, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x0, c] = saved;
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(x0), tf.scalar(-0.5))), tf.scalar(INV_SQRT_2PI)); // φ(x)
      return [tf.mul(dy, tf.add(c, tf.mul(x0, pdf)))];
    },
  };
}) as unknown as (x: tf.Tensor) => tf.Tensor;

// gelu_new(x) = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³);
// derivative ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
const geluTanh = tf.customGrad((x, save) => {
  const xs = x as tf.Tensor;
  const x2 = tf.square(xs);
  const t = tf.tanh(
    tf.mul(tf.mul(xs, tf.add(tf.mul(x2, tf.scalar(0.044715)), tf.scalar(1))), tf.scalar(SQRT_2_OVER_PI)),
  );
  (save as unknown as tf.GradSaveFunc)([xs, t]);
  return {
    value: tf.mul(tf.mul(xs, tf.scalar(0.5)), tf.add(t, tf.scalar(1))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x0, t0] = saved;
      const du = tf.mul(
        tf.add(tf.mul(tf.square(x0), tf.scalar(3 * 0.044715)), tf.scalar(1)),
        tf.scalar(SQRT_2_OVER_PI),
      );
      const dt = tf.mul(tf.sub(tf.scalar(1), tf.square(t0)), du);
      const d = tf.mul(tf.add(tf.add(t0, tf.scalar(1)), tf.mul(x0, dt)), tf.scalar(0.5));
      return [tf.mul(dy, d)];
    },
  };
}) as unknown as (x: tf.Tensor) => tf.Tensor;

/** x·mask with the gradient dy·mask only (the mask is a constant). */
const maskMul = tf.customGrad((x, mask, save) => {
  (save as unknown as tf.GradSaveFunc)([mask as tf.Tensor]);
  return {
    value: tf.mul(x as tf.Tensor, mask as tf.Tensor),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]), tf.zerosLike(saved[0])],
  };
}) as unknown as (x: tf.Tensor, mask: tf.Tensor) => tf.Tensor;

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
  const bits = gen.fillInt32(new Int32Array(n));
  const keep = 1 / (1 - rate);
  // Keep when a uniform uint32 u ≥ rate·2³², compared as int32 with the sign bit flipped
  // (u ≥ T ⟺ (u ^ 2³¹) ≥ (T ^ 2³¹) signed), which keeps the loop on small integers.
  const threshold = (Math.floor(rate * 4294967296) ^ 0x80000000) | 0;
  for (let i = 0; i < n; i++) mask[i] = (bits[i] ^ 0x80000000) >= threshold ? keep : 0;
  return maskMul(x, tf.tensor(mask, x.shape, 'float32'));
}
