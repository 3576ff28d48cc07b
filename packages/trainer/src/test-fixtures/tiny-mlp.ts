import { SeededRandom } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { arrayBatchSource } from '../batch-source.js';
import type { EncoderLike, LossContext } from '../types.js';

/** A 2-layer MLP (in → hidden tanh → 1) of plain tf.Variables: the trainer's test model. */
export class TinyMlp implements EncoderLike {
  readonly params = new Map<string, tf.Variable>();
  training = true;

  constructor(
    seed = 1,
    readonly inDim = 4,
    readonly hidden = 8,
  ) {
    const r = new SeededRandom(seed);
    const init = (shape: number[], scale: number) =>
      tf.variable(
        tf.tensor(
          Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal() * scale),
          shape,
        ),
      );
    this.params.set('dense1.weight', init([inDim, hidden], 0.5));
    this.params.set('dense1.bias', init([hidden], 0.1));
    this.params.set('dense2.weight', init([hidden, 1], 0.5));
    this.params.set('dense2.bias', init([1], 0.1));
  }

  namedParameters(): Map<string, tf.Variable> {
    return this.params;
  }

  setTraining(training: boolean): void {
    this.training = training;
  }

  forward(x: tf.Tensor2D): tf.Tensor1D {
    const p = (k: string) => this.params.get(k)!;
    const h = tf.tanh(tf.add(tf.matMul(x, p('dense1.weight')), p('dense1.bias')));
    return tf.reshape(tf.add(tf.matMul(h, p('dense2.weight')), p('dense2.bias')), [-1]) as tf.Tensor1D;
  }

  /** Copies of all weights as plain arrays, by name. */
  snapshot(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [k, v] of this.params) out[k] = Array.from(v.dataSync());
    return out;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

export interface Example {
  x: number[];
  y: number;
}

export interface Batch {
  x: number[][];
  y: number[];
}

/** A seeded regression task: y = sin(x·w) + small noise; `w` is fixed, `seed` picks the samples. */
export function makeExamples(n: number, seed = 7, inDim = 4): Example[] {
  const taskRng = new SeededRandom(12345);
  const w = Array.from({ length: inDim }, () => taskRng.normal());
  const r = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const x = Array.from({ length: inDim }, () => r.normal());
    const y = Math.sin(x.reduce((s, v, i) => s + v * w[i], 0)) + 0.05 * r.normal();
    return { x, y };
  });
}

export function collate(examples: Example[]): Batch {
  return { x: examples.map((e) => e.x), y: examples.map((e) => e.y) };
}

export function makeSource(n: number, batchSize: number, opts: { shuffle?: boolean; seed?: number } = {}) {
  return arrayBatchSource(makeExamples(n, opts.seed), { batchSize, collate, shuffle: opts.shuffle ?? true });
}

/**
 * MSE loss. In training mode the inputs get seeded Gaussian noise drawn from `ctx.rng`
 * (a stand-in for dropout), so exact resume also depends on restoring the RNG.
 */
export function mseLoss(model: TinyMlp, batch: Batch, training: boolean, ctx: LossContext): tf.Scalar {
  const noise = training ? batch.x.map((row) => row.map(() => 0.01 * ctx.rng.normal())) : null;
  const x = tf.tensor2d(noise ? batch.x.map((row, i) => row.map((v, j) => v + noise[i][j])) : batch.x);
  const pred = model.forward(x);
  return tf.mean(tf.square(tf.sub(pred, tf.tensor1d(batch.y)))) as tf.Scalar;
}

/** Evaluation loss of `model` on `examples` (no noise). */
export function evalLoss(model: TinyMlp, examples: Example[]): number {
  const rng = new SeededRandom(0);
  return tf.tidy(() => mseLoss(model, collate(examples), false, { rng, step: 0 }).dataSync()[0]);
}
