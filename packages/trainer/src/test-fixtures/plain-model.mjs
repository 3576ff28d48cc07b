// A linear regression model in plain JavaScript, for the smoke test of the built package.
import * as tf from '@tensorflow/tfjs-core';

export function makeModel() {
  const params = new Map([
    ['w', tf.variable(tf.zeros([3, 1]))],
    ['b', tf.variable(tf.zeros([1]))],
  ]);
  return { namedParameters: () => params, setTraining() {} };
}

export function lossFn(model, batch, _training, ctx) {
  const p = model.namedParameters();
  const x = tf.tensor2d(batch.x.map((row) => row.map((v) => v + 0.01 * ctx.rng.normal())));
  const pred = tf.add(tf.matMul(x, p.get('w')), p.get('b'));
  return tf.mean(tf.square(tf.sub(tf.reshape(pred, [-1]), tf.tensor1d(batch.y))));
}

export function examples(n) {
  return Array.from({ length: n }, (_, i) => {
    const x = [Math.sin(i), Math.cos(i * 1.3), ((i % 7) - 3) / 3];
    return { x, y: 2 * x[0] - x[1] + 0.5 * x[2] + 0.3 };
  });
}
