import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from './index.js';

/** Deterministic inputs: the same values on every backend. */
function det(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, i) => Math.sin(seed * 7.13 + i * 0.37)),
    shape,
  );
}

/** Multi-head attention core on [B, h, T, d]: the batched, transposed matMuls of an encoder. */
function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): tf.Scalar {
  const [b, , t, d] = q.shape;
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d));
  const ctx = tf.matMul(tf.softmax(scores), v); // [B, h, T, d]
  const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [b * t, -1]); // [B·T, h·d]
  // tf.split and tf.unstack too, as per-head code uses them (Slice/SplitV/Unpack kernels).
  const [left, right] = tf.split(merged, 2, 1);
  const rows = tf.unstack(merged, 0);
  return tf.addN([
    tf.sum(tf.square(left)),
    tf.sum(tf.mul(right, 0.5)),
    tf.sum(tf.square(rows[3])),
  ]) as tf.Scalar;
}

function gradsOn(): number[][] {
  return tf.tidy(() => {
    const [q, k, v] = [det([2, 3, 5, 4], 1), det([2, 3, 5, 4], 2), det([2, 3, 5, 4], 3)];
    return tf
      .grads(attention)([q, k, v])
      .map((g) => Array.from(g.dataSync()));
  });
}

describeEachBackend('attention matMuls (rank 4, transposeB) and their gradients', (backend) => {
  it('equal the cpu values', async () => {
    await useBackend('cpu');
    const ref = gradsOn();
    await useBackend(backend);
    const got = gradsOn();
    expect(got.length).toBe(3);
    for (let i = 0; i < 3; i++) expectAllClose(got[i], ref[i], 1e-5);
    expect(Math.max(...ref.flat().map(Math.abs))).toBeGreaterThan(1e-3);
  });
});
