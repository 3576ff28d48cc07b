import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-row negative log-likelihood `−log softmax(logits)[gold]` of logits [K, V] → [K].
 *
 * The forward pass keeps `exp(logits − max)` and its row sums for the gradient
 * `(softmax − onehot(gold))·dy`, so the [K, V] exponential runs once (tfjs's `logSoftmax`
 * gradient recomputes it). The gold entries are a flat gather at `k·V + gold[k]`, and the
 * gradient's one-hot is a scatter of K ones: no dense [K, V] comparison is ever built.
 */
export function softmaxNll(logits: tf.Tensor2D, gold: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const [k, v] = logits.shape;
    const flatIndex = new Int32Array(k);
    for (let i = 0; i < k; i++) flatIndex[i] = i * v + gold[i];
    return softmaxNllOp(logits, tf.tensor1d(flatIndex, 'int32'));
  });
}

const softmaxNllOp = tf.customGrad<tf.Tensor1D>((logits, flatIndex, save) => {
  if (!(logits instanceof tf.Tensor && flatIndex instanceof tf.Tensor) || typeof save !== 'function')
    throw new TypeError('softmaxNll: expected (logits, flatIndex, save)');
  const [k, v] = logits.shape; // [K, V]
  const shifted = tf.sub(logits, tf.max(logits, 1, true)); // [K, V]
  const e = tf.exp(shifted); // [K, V]
  const sums = tf.sum(e, 1, true); // [K, 1]
  const picked = tf.gather(tf.reshape(shifted, [k * v]), flatIndex); // [K]
  save([e, sums, flatIndex]);
  return {
    value: tf.sub<tf.Tensor1D>(tf.log(tf.reshape(sums, [k])), picked), // [K]
    gradFunc: (dy, [es, ss, ix]) => {
      const probs = tf.div(es, ss); // [K, V]
      const oneHot = tf.reshape(tf.scatterND(tf.reshape(ix, [k, 1]), tf.ones([k]), [k * v]), [k, v]); // [K, V]
      return [tf.mul(tf.sub(probs, oneHot), tf.reshape(dy, [k, 1])), tf.zerosLike(ix)];
    },
  };
});
