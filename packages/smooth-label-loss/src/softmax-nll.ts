import { fusedKernelsEnabled } from '@selfevo/utils';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-row negative log-likelihood `−log softmax(logits)[gold]` of logits [K, V] → [K].
 *
 * The forward pass keeps `exp(logits − max)` and its row sums for the gradient
 * `(softmax − onehot(gold))·dy`, so the [K, V] exponential runs once (tfjs's `logSoftmax`
 * gradient recomputes it). The gold entries are a flat gather at `k·V + gold[k]`, and the
 * gradient's one-hot is a scatter of K ones: no dense [K, V] comparison is ever built.
 * Where the backend registers the fused `SelfevoSoftmaxNll` kernel (@selfevo/backend-wasm in Node)
 * each direction is one pass instead.
 */
export function softmaxNll(logits: tf.Tensor2D, gold: Int32Array): tf.Tensor1D {
  if (logits.dtype === 'float32' && fusedNll())
    return tf.tidy(() => fusedSoftmaxNll(logits, tf.tensor1d(gold, 'int32')));
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

/*
 * The optional fused kernels (the contract of @selfevo/encoder-model's fused-kernels.ts, followed
 * by @selfevo/backend-wasm):
 * SelfevoSoftmaxNll      {x [K, V], gold int32 [K]} → [loss [K], probs [K, V]]
 * SelfevoSoftmaxNllGrad  {dy [K], probs [K, V], gold [K]} → dx = (probs − onehot(gold))·dy
 * used while the tfjs flag SELFEVO_FUSED_KERNELS (encoder-model's `setFusedKernels`) is on.
 */
const NLL_KERNEL = 'SelfevoSoftmaxNll';
const NLL_GRAD_KERNEL = 'SelfevoSoftmaxNllGrad';

function fusedNll(): boolean {
  return tf.getKernel(NLL_KERNEL, tf.getBackend()) != null && fusedKernelsEnabled(tf.env());
}

const fusedSoftmaxNll = tf.customGrad<tf.Tensor1D>((logits, gold, save) => {
  if (!(logits instanceof tf.Tensor && gold instanceof tf.Tensor) || typeof save !== 'function')
    throw new TypeError('softmaxNll: expected (logits, gold, save)');
  const [loss, probs] = tf.engine().runKernel(NLL_KERNEL, { x: logits, gold }) as tf.Tensor[];
  save([probs, gold]);
  return {
    value: loss as tf.Tensor1D, // [K]
    gradFunc: (dy, [ps, g]) => {
      const [k, v] = ps.shape;
      const dx =
        tf.getKernel(NLL_GRAD_KERNEL, tf.getBackend()) != null
          ? (tf.engine().runKernel(NLL_GRAD_KERNEL, { dy, probs: ps, gold: g }) as tf.Tensor)
          : tf.mul(tf.sub(ps, tf.oneHot(g as tf.Tensor1D, v)), tf.reshape(dy, [k, 1]));
      return [dx, tf.zerosLike(g)];
    },
  };
});
