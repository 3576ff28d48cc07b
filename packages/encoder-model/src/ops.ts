// Building blocks of the encoder, with hand-written gradients. Products use matMul's transpose
// flags instead of explicit transposes: every backend folds them into its GEMM (tfjs's own wasm
// BatchMatMul ran them 10–40× slower, docs/platform-notes.md; @selfevo/backend-wasm's kernels fold
// them into the native GEMM's packing, or transpose once and run XNNPACK in the browser).
import * as tf from '@tensorflow/tfjs-core';
import type { HiddenAct } from './config.js';
import { customOp } from './custom-op.js';
import { FUSED_KERNEL_NAMES, hasFusedKernel, runFused } from './fused-kernels.js';
import { SeededRandom } from './rng.js';

/**
 * Column sums of m [N, C] → [C]: the backend's fused `SelfevoColumnSum` where it has one, else a
 * matMul with a row of ones (a reduction over axis 0 in the wasm Sum kernel transposes its input
 * first, which costs more than the GEMM).
 */
export function colSum(m: tf.Tensor2D): tf.Tensor1D {
  if (hasFusedKernel('columnSum')) return runFused('columnSum', { x: m })[0] as tf.Tensor1D; // [C]
  return tf.reshape(tf.matMul(tf.ones([1, m.shape[0]]), m), [m.shape[1]]);
}

// The column sum's gradient (for a second derivative through a bias gradient): dy to every row.
tf.registerGradient({
  kernelName: FUSED_KERNEL_NAMES.columnSum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const shape = (saved[0] as tf.Tensor).shape;
    return { x: () => tf.broadcastTo(tf.reshape(dy as tf.Tensor, [1, -1]), shape) };
  },
});

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

const linearBias = customOp(
  (save: (s: [tf.Tensor2D, tf.Tensor2D]) => void, x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => {
    save([x, w]);
    return {
      // (tfjs types fused.matMul as returning a plain Tensor; it is [N, out])
      value: tf.fused.matMul({ a: x, b: w, transposeB: true, bias: b }) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, [xs, ws]: [tf.Tensor2D, tf.Tensor2D]) => [
        tf.matMul(dy, ws),
        weightGrad(dy, xs),
        colSum(dy),
      ],
    };
  },
);

const linearNoBias = customOp(
  (save: (s: [tf.Tensor2D, tf.Tensor2D]) => void, x: tf.Tensor2D, w: tf.Tensor2D) => {
    save([x, w]);
    return {
      value: tf.matMul<tf.Tensor2D>(x, w, false, true), // [N, out]
      gradFunc: (dy: tf.Tensor2D, [xs, ws]: [tf.Tensor2D, tf.Tensor2D]) => [
        tf.matMul(dy, ws),
        weightGrad(dy, xs),
      ],
    };
  },
);

/**
 * Rows of `table` [V, H] at `indices` (int32 [N]) → [N, H], with the gradient as a scatter-add
 * (`scatterND`, duplicates summed) into [V, H]. tfjs's own gather gradient uses
 * UnsortedSegmentSum, which the cpu backend runs as one masked reduction per segment (per
 * vocabulary row): minutes for a real vocabulary.
 */
export const gatherRows = customOp(
  (save: (s: [tf.Tensor1D]) => void, table: tf.Tensor2D, indices: tf.Tensor1D) => {
    save([indices]);
    const shape = table.shape;
    return {
      value: tf.gather(table, indices), // [N, H]
      gradFunc: (dy: tf.Tensor2D, [ix]: [tf.Tensor1D]) => [
        tf.scatterND(tf.reshape(ix, [-1, 1]), dy, shape),
        tf.zerosLike(ix),
      ],
    };
  },
);

/** Batched a·b for a [N, m, k], b [N, k, n]; gradients da = dy·bᵀ, db = aᵀ·dy. */
export const bmm = customOp(
  (save: (s: [tf.Tensor3D, tf.Tensor3D]) => void, a: tf.Tensor3D, b: tf.Tensor3D) => {
    save([a, b]);
    return {
      value: tf.matMul<tf.Tensor3D>(a, b), // [N, m, n]
      gradFunc: (dy: tf.Tensor3D, [as, bs]: [tf.Tensor3D, tf.Tensor3D]) => [
        tf.matMul(dy, bs, false, true),
        tf.matMul(as, dy, true, false),
      ],
    };
  },
);

/**
 * LayerNorm over the last axis (biased variance, as PyTorch), with a hand-written gradient:
 * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·γ; dγ = Σ dy·x̂, dβ = Σ dy over rows.
 * One fused kernel each way where the backend has `SelfevoLayerNorm` (fused-kernels.ts).
 */
export function layerNorm<R extends tf.Rank>(
  x: tf.Tensor<R>,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): tf.Tensor<R> {
  const H = x.shape[x.rank - 1];
  const x2 = tf.reshape(x, [-1, H]) as tf.Tensor2D;
  const y = hasFusedKernel('layerNorm')
    ? fusedLayerNorm(x2, gamma, beta, eps)
    : layerNorm2d(x2, gamma, beta, tf.scalar(eps)); // [N, H]
  return tf.reshape(y, x.shape);
}

/** LayerNorm(x + residual) for x, residual [N, H]: the residual add fused in where possible. */
export function addLayerNorm(
  x: tf.Tensor2D,
  residual: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): tf.Tensor2D {
  if (!hasFusedKernel('layerNorm')) return layerNorm(tf.add<tf.Tensor2D>(x, residual), gamma, beta, eps);
  return fusedLayerNorm(x, gamma, beta, eps, residual);
}

/** dx, dγ, dβ of LayerNorm from the saved x̂ [N, H] and rstd [N]. */
function layerNormGrad(
  dy: tf.Tensor2D,
  xh: tf.Tensor2D,
  rs: tf.Tensor1D,
  g: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  if (hasFusedKernel('layerNormGrad')) {
    const [dx, dg, db] = runFused('layerNormGrad', { dy, xhat: xh, rstd: rs, gamma: g });
    return [dx as tf.Tensor2D, dg as tf.Tensor1D, db as tf.Tensor1D];
  }
  const gh = tf.mul(dy, g); // [N, H]
  const dx = tf.mul<tf.Tensor2D>(
    tf.sub(tf.sub(gh, tf.mean(gh, 1, true)), tf.mul(xh, tf.mean(tf.mul(gh, xh), 1, true))),
    tf.reshape(rs, [-1, 1]),
  );
  return [dx, colSum(tf.mul(dy, xh)), colSum(dy)];
}

/** LayerNorm of x (+ residual) [N, H] as the fused kernel; dx reaches the residual as well. */
function fusedLayerNorm(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  residual?: tf.Tensor2D,
): tf.Tensor2D {
  const inputs: tf.Tensor[] = residual ? [x, gamma, beta, residual] : [x, gamma, beta];
  return customOp(
    (
      save: (s: [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]) => void,
      xs: tf.Tensor,
      g: tf.Tensor,
      b: tf.Tensor,
      r?: tf.Tensor,
    ) => {
      const ins: Record<string, tf.Tensor> = { x: xs, gamma: g, beta: b };
      if (r) ins.residual = r;
      const [y, xhat, rstd] = runFused('layerNorm', ins, { eps });
      save([xhat as tf.Tensor2D, rstd as tf.Tensor1D, g as tf.Tensor1D]);
      return {
        value: y as tf.Tensor2D,
        gradFunc: (dy: tf.Tensor2D, [xh, rs, gs]: [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]) => {
          const [dx, dg, db] = layerNormGrad(dy, xh, rs, gs);
          return r ? [dx, dg, db, tf.clone(dx)] : [dx, dg, db]; // d(x + residual) reaches both
        },
      };
    },
  )(...inputs);
}

const layerNorm2d = customOp(
  (
    save: (s: [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]) => void,
    x: tf.Tensor2D,
    gamma: tf.Tensor1D,
    beta: tf.Tensor1D,
    eps: tf.Scalar,
  ) => {
    const mean = tf.mean(x, 1, true); // [N, 1]
    const centered = tf.sub(x, mean); // [N, H]
    const rstd = tf.rsqrt(tf.add<tf.Tensor2D>(tf.mean(tf.square(centered), 1, true), eps)); // [N, 1]
    const xhat = tf.mul<tf.Tensor2D>(centered, rstd); // [N, H]
    save([xhat, tf.reshape(rstd, [-1]), gamma]);
    return {
      value: tf.add<tf.Tensor2D>(tf.mul(xhat, gamma), beta), // [N, H]
      gradFunc: (dy: tf.Tensor2D, [xh, rs, g]: [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]) => [
        ...layerNormGrad(dy, xh, rs, g),
        tf.zerosLike(eps),
      ],
    };
  },
);

/** The feed-forward activation named by HF's `hidden_act`. */
export function activation<R extends tf.Rank>(x: tf.Tensor<R>, act: HiddenAct): tf.Tensor<R> {
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
function geluErf<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
  if (hasFusedKernel('gelu')) return fusedGelu(x) as tf.Tensor<R>;
  return customOp((save: (s: [tf.Tensor<R>, tf.Tensor<R>]) => void, xs: tf.Tensor<R>) => {
    const cdf = tf.mul<tf.Tensor<R>>(
      tf.add(tf.erf(tf.mul(xs, tf.scalar(Math.SQRT1_2))), tf.scalar(1)),
      tf.scalar(0.5),
    ); // Φ(x)
    save([xs, cdf]);
    return {
      value: tf.mul<tf.Tensor<R>>(xs, cdf),
      gradFunc: (dy: tf.Tensor<R>, [x0, c]: [tf.Tensor<R>, tf.Tensor<R>]) => {
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(x0), tf.scalar(-0.5))), tf.scalar(INV_SQRT_2PI)); // φ(x)
        return [tf.mul(dy, tf.add(c, tf.mul(x0, pdf)))];
      },
    };
  })(x);
}

/** The erf GELU as one fused kernel each way (the input is all the gradient needs). */
const fusedGelu = customOp((save: (s: [tf.Tensor]) => void, x: tf.Tensor) => {
  save([x]);
  return {
    value: runFused('gelu', { x })[0],
    gradFunc: (dy: tf.Tensor, [x0]: [tf.Tensor]) => [
      hasFusedKernel('geluGrad')
        ? runFused('geluGrad', { dy, x: x0 })[0]
        : tf.mul(
            dy,
            tf.add(
              tf.mul(tf.add(tf.erf(tf.mul(x0, tf.scalar(Math.SQRT1_2))), tf.scalar(1)), tf.scalar(0.5)),
              tf.mul(x0, tf.mul(tf.exp(tf.mul(tf.square(x0), tf.scalar(-0.5))), tf.scalar(INV_SQRT_2PI))),
            ),
          ),
    ],
  };
});

// gelu_new(x) = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³);
// derivative ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
function geluTanh<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
  return customOp((save: (s: [tf.Tensor<R>, tf.Tensor<R>]) => void, xs: tf.Tensor<R>) => {
    const x2 = tf.square(xs);
    const t = tf.tanh<tf.Tensor<R>>(
      tf.mul<tf.Tensor<R>>(
        tf.mul(xs, tf.add(tf.mul(x2, tf.scalar(0.044715)), tf.scalar(1))),
        tf.scalar(SQRT_2_OVER_PI),
      ),
    );
    save([xs, t]);
    return {
      value: tf.mul<tf.Tensor<R>>(tf.mul(xs, tf.scalar(0.5)), tf.add(t, tf.scalar(1))),
      gradFunc: (dy: tf.Tensor<R>, [x0, t0]: [tf.Tensor<R>, tf.Tensor<R>]) => {
        const du = tf.mul(
          tf.add(tf.mul(tf.square(x0), tf.scalar(3 * 0.044715)), tf.scalar(1)),
          tf.scalar(SQRT_2_OVER_PI),
        );
        const dt = tf.mul(tf.sub(tf.scalar(1), tf.square(t0)), du);
        const d = tf.mul(tf.add(tf.add(t0, tf.scalar(1)), tf.mul(x0, dt)), tf.scalar(0.5));
        return [tf.mul(dy, d)];
      },
    };
  })(x);
}

/** x·mask with the gradient dy·mask only (the mask is a constant). */
function maskMul<T extends tf.Tensor>(x: T, mask: tf.Tensor): T {
  return customOp((save: (s: [tf.Tensor]) => void, xs: T, m: tf.Tensor) => {
    save([m]);
    return {
      value: tf.mul<T>(xs, m),
      gradFunc: (dy: T, [ms]: [tf.Tensor]) => [tf.mul(dy, ms), tf.zerosLike(ms)],
    };
  })(x, mask);
}

/**
 * softmax(scores + maskBias) over the last axis, for attention scores [B, A, S, K] and an additive
 * mask [B, 1, 1, K]. One fused kernel each way where the backend has `SelfevoSoftmax`; that path
 * treats the mask as a constant (its gradient is zero), as the encoder uses it.
 */
export function maskedSoftmax(scores: tf.Tensor4D, maskBias: tf.Tensor4D): tf.Tensor4D {
  if (!hasFusedKernel('softmax')) return tf.softmax(tf.add<tf.Tensor4D>(scores, maskBias));
  return fusedMaskedSoftmax(scores, maskBias);
}

const fusedMaskedSoftmax = customOp(
  (save: (s: [tf.Tensor4D]) => void, scores: tf.Tensor4D, mask: tf.Tensor4D) => {
    const y = runFused('softmax', { x: scores, mask })[0] as tf.Tensor4D; // [B, A, S, K]
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, [ys]: [tf.Tensor4D]) => [
        hasFusedKernel('softmaxGrad')
          ? runFused('softmaxGrad', { dy, y: ys })[0]
          : tf.mul(ys, tf.sub(dy, tf.sum(tf.mul(dy, ys), -1, true))),
        tf.zerosLike(mask),
      ],
    };
  },
);

/**
 * Inverted dropout. The keep mask (0 or 1/(1−rate)) comes from a generator seeded by `rng`, so
 * runs are reproducible and resumable from the RNG state: drawn in JS and applied by one multiply
 * kernel, or drawn and applied by the backend's fused `SelfevoDropout` kernel from the same stream
 * (the same mask either way). Identity when `rate` is 0 or `rng` is absent (eval mode).
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, rng: SeededRandom | undefined): T {
  if (!rng || rate <= 0) return x;
  if (rate >= 1) return tf.zerosLike(x);
  const seed = rng.nextUint32();
  const keep = 1 / (1 - rate);
  if (hasFusedKernel('dropout') && x.dtype === 'float32') {
    return customOp((save: (s: [tf.Tensor]) => void, xs: T) => {
      const [y, mask] = runFused(
        'dropout',
        { x: xs },
        { seed, threshold: Math.floor(rate * 4294967296), keep },
      );
      save([mask]);
      return { value: y as T, gradFunc: (dy: T, [m]: [tf.Tensor]) => [tf.mul(dy, m)] };
    })(x);
  }
  const gen = new SeededRandom(seed);
  const n = x.size;
  const mask = new Float32Array(n);
  const bits = gen.fillInt32(new Int32Array(n));
  // Keep when a uniform uint32 u ≥ rate·2³², compared as int32 with the sign bit flipped
  // (u ≥ T ⟺ (u ^ 2³¹) ≥ (T ^ 2³¹) signed), which keeps the loop on small integers.
  const threshold = (Math.floor(rate * 4294967296) ^ 0x80000000) | 0;
  for (let i = 0; i < n; i++) mask[i] = (bits[i] ^ 0x80000000) >= threshold ? keep : 0;
  return maskMul(x, tf.tensor(mask, x.shape, 'float32'));
}
