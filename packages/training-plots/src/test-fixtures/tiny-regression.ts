import { arrayBatchSource } from '@selfevo/trainer';
import { SeededRandom } from '@selfevo/utils';
import * as tf from '@tensorflow/tfjs-core';

/** A linear model `y = x·w + b` of plain tf.Variables: enough to produce a real training log. */
export class TinyLinear {
  readonly params = new Map<string, tf.Variable>();

  constructor(readonly inDim = 4) {
    this.params.set('weight', tf.variable(tf.zeros([inDim, 1])));
    this.params.set('bias', tf.variable(tf.zeros([1])));
  }

  namedParameters(): Map<string, tf.Variable> {
    return this.params;
  }

  setTraining(_training: boolean): void {}

  forward(x: tf.Tensor2D): tf.Tensor1D {
    const y = tf.add(tf.matMul(x, this.params.get('weight')!), this.params.get('bias')!);
    return tf.reshape(y, [-1]) as tf.Tensor1D;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

export interface Batch {
  x: number[][];
  y: number[];
}

/** `n` seeded examples of y = x·(0.5, −0.3, 0.2, 0.1) + 0.3 + small noise (variance < 1: MSE from 0 weights < 1). */
export function makeBatch(n: number, seed: number): Batch {
  const r = new SeededRandom(seed);
  const w = [0.5, -0.3, 0.2, 0.1];
  const x = Array.from({ length: n }, () => w.map(() => r.normal()));
  const y = x.map((row) => row.reduce((s, v, i) => s + v * w[i], 0.3) + 0.05 * r.normal());
  return { x, y };
}

export function makeSource(n: number, batchSize: number, seed = 7) {
  const { x, y } = makeBatch(n, seed);
  const examples = x.map((row, i) => ({ x: row, y: y[i] }));
  return arrayBatchSource(examples, {
    batchSize,
    collate: (es) => ({ x: es.map((e) => e.x), y: es.map((e) => e.y) }),
  });
}

/** Mean squared error of the model on `batch`. */
export function mseLoss(model: TinyLinear, batch: Batch): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(model.forward(tf.tensor2d(batch.x)), batch.y))) as tf.Scalar);
}

export function evalLoss(model: TinyLinear, batch: Batch): number {
  const loss = mseLoss(model, batch);
  const v = loss.dataSync()[0];
  loss.dispose();
  return v;
}
