// Runs in headless Chromium via runInBrowser (see browser.test.ts): the same gradient as
// use-backend.test.ts, through gather, a transposed matMul and softmax.
import * as tf from '@tensorflow/tfjs-core';

export default async function run(input: { x: number[][]; w: number[][] }) {
  const g = tf.grad((x: tf.Tensor) => {
    const rows = tf.gather(x, tf.tensor1d([0, 2, 2, 1], 'int32'));
    const logits = tf.matMul(rows, tf.tensor2d(input.w), false, true);
    return tf.sum(tf.square(tf.softmax(logits)));
  })(tf.tensor2d(input.x));
  const out = (await g.array()) as number[][];
  g.dispose();
  return out;
}
