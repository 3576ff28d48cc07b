import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';
import { hasFusedKernel, runFused } from './fused-kernels.js';

/**
 * Σ over every gradient of Σ g² as a scalar tensor (the squared global L2 norm; read it back
 * synchronously or with `await data()`). One fused pass per gradient where the backend has
 * `SelfevoSumSquares`, else `sum(square(g))`. Not differentiable.
 */
export function squaredGlobalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => {
    const fused = hasFusedKernel('sumSquares');
    const parts = Object.values(grads).map((g) =>
      fused && g.dtype === 'float32'
        ? (runFused('sumSquares', { x: g })[0] as tf.Scalar)
        : tf.sum(tf.square(g)),
    );
    return (parts.length === 0 ? tf.scalar(0) : parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
  });
}

/** PyTorch `clip_grad_norm_`'s coefficient: `maxNorm / (globalNorm + 1e-6)`, clamped to 1. */
export function clipCoefficient(globalNorm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (globalNorm + 1e-6));
}

/**
 * Scale gradients so their global L2 norm is at most `maxNorm` (PyTorch `clip_grad_norm_`:
 * coefficient `maxNorm / (norm + 1e-6)`, clamped to 1). Returns NEW tensors (the caller disposes
 * both the inputs and the outputs) and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: Record<string, tf.Tensor>,
  maxNorm: number,
  knownNorm?: number,
): { grads: Record<string, tf.Tensor>; globalNorm: number } {
  const names = Object.keys(grads);
  if (names.length === 0) return { grads: {}, globalNorm: 0 };
  // `knownNorm`: the norm the caller already read back (asynchronously: no synchronous GPU read here)
  let globalNorm = knownNorm ?? Number.NaN;
  if (knownNorm === undefined) {
    const sq = squaredGlobalNorm(grads);
    globalNorm = Math.sqrt(sq.dataSync()[0]);
    sq.dispose();
  }
  const coef = clipCoefficient(globalNorm, maxNorm);
  const out: Record<string, tf.Tensor> = {};
  tf.tidy(() => {
    const c = tf.scalar(coef);
    for (const n of names) out[n] = tf.keep(coef === 1 ? tf.clone(grads[n]) : tf.mul(grads[n], c));
  });
  return { grads: out, globalNorm };
}

/**
 * Sums gradients over micro-batches for gradient accumulation. `add` copies what it needs (the
 * caller keeps ownership of its tensors); `mean()` returns new tensors averaged over the adds.
 */
export class GradientAccumulator {
  private sums = new Map<string, tf.Tensor>();
  private n = 0;

  /** Number of micro-batches added since the last reset. */
  get count(): number {
    return this.n;
  }

  add(grads: Record<string, tf.Tensor>): void {
    for (const [name, g] of Object.entries(grads)) {
      const prev = this.sums.get(name);
      if (prev && prev.shape.join(',') !== g.shape.join(','))
        throw new ShapeMismatchError(`gradient ${name}`, `[${g.shape}] vs accumulated [${prev.shape}]`);
      this.sums.set(name, prev ? tf.tidy(() => tf.add(prev, g)) : tf.clone(g));
      prev?.dispose();
    }
    this.n += 1;
  }

  /** Averaged gradients (new tensors, caller disposes; after one add, clones that share its data). */
  mean(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    const inv = 1 / Math.max(1, this.n);
    for (const [name, s] of this.sums)
      out[name] = this.n <= 1 ? tf.clone(s) : tf.tidy(() => tf.mul(s, tf.scalar(inv)));
    return out;
  }

  /** Drop the sums (call after each optimizer step). */
  reset(): void {
    for (const s of this.sums.values()) s.dispose();
    this.sums.clear();
    this.n = 0;
  }
}
