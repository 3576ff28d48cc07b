import * as tf from '@tensorflow/tfjs-core';

/** float64 log-softmax of one row. */
export function logSoftmax64(row: ArrayLike<number>): number[] {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) m = Math.max(m, row[i]);
  let s = 0;
  for (let i = 0; i < row.length; i++) s += Math.exp(row[i] - m);
  const lse = m + Math.log(s);
  return Array.from(row, (x) => x - lse);
}

export function rowsOf(x: ArrayLike<number>, v: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.length; i += v) out.push(Array.from({ length: v }, (_, j) => x[i + j]));
  return out;
}

/** A line-by-line float64 port of HF transformers' `LabelSmoother.__call__` (no shift). */
export function hfLabelSmoother64(
  logits: number[][],
  labels: number[],
  epsilon: number,
  ignoreIndex = -100,
): number {
  const v = logits[0].length;
  let nll = 0;
  let smoothed = 0;
  let active = 0;
  for (let i = 0; i < logits.length; i++) {
    const logProbs = logSoftmax64(logits[i]).map((x) => -x);
    const pad = labels[i] === ignoreIndex;
    const y = Math.max(labels[i], 0);
    if (!pad) {
      nll += logProbs[y];
      smoothed += logProbs.reduce((a, b) => a + b, 0);
      active++;
    }
  }
  return (1 - epsilon) * (nll / active) + epsilon * (smoothed / (active * v));
}

/**
 * Central finite differences of a scalar tfjs function of one tensor, element by element,
 * compared with `tf.grad`; returns the largest absolute difference.
 */
export function finiteDifferenceMaxError(f: (x: tf.Tensor) => tf.Tensor, x0: tf.Tensor, eps = 1e-2): number {
  const analytic = tf.tidy(() => tf.grad(f)(x0).dataSync() as Float32Array);
  const base = Float32Array.from(x0.dataSync() as Float32Array);
  let maxErr = 0;
  for (let i = 0; i < base.length; i++) {
    const at = (d: number): number =>
      tf.tidy(() => {
        const y = Float32Array.from(base);
        y[i] += d;
        return f(tf.tensor(y, x0.shape)).dataSync()[0];
      });
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    maxErr = Math.max(maxErr, Math.abs(numeric - analytic[i]));
  }
  return maxErr;
}

/** Deterministic pseudo-random floats (so tests do not depend on tf.randomNormal's seeding per backend). */
export function pseudoRandom(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
