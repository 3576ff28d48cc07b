// Run by plain Node (through tsx, no vitest): every loss's gradient on the wasm and cpu backends,
// as a user's script would load them. Prints one JSON line.
import { useBackend } from '@selfevo/backend';
import * as tf from '@tensorflow/tfjs-core';
import {
  crossEntropyAtPositions,
  klDistillation,
  labelSmoothedCrossEntropy,
  logitMseDistillation,
  rectifiedSmoothLabelLoss,
  softTargetCrossEntropy,
} from '../index.js';

const out: Record<string, number> = {};
for (const backend of ['cpu', 'wasm'] as const) {
  await useBackend(backend);
  const x = tf.tensor2d([
    [0.1, -1, 2],
    [1, 0.5, -0.5],
  ]);
  const r = tf.tensor2d([
    [0.2, 0.3, 0.5],
    [0.6, 0.2, 0.2],
  ]);
  const fns: Record<string, (l: tf.Tensor) => tf.Tensor> = {
    ce: (l) => crossEntropyAtPositions(l, [2, -100]),
    ls: (l) => labelSmoothedCrossEntropy(l, [2, 0]),
    rsl: (l) => rectifiedSmoothLabelLoss(l, [2, 0], { reference: { probs: r } }),
    soft: (l) => softTargetCrossEntropy(l, r),
    mse: (l) => logitMseDistillation(l, r),
    kl: (l) => klDistillation(l, r, { temperature: 2 }),
    empty: (l) => crossEntropyAtPositions(l, [-100, -100]),
  };
  for (const [name, f] of Object.entries(fns)) {
    const g = tf.grad(f)(x);
    out[`${backend}.${name}`] = Array.from(g.dataSync()).reduce((a, v) => a + Math.abs(v), 0);
  }
}
console.log(JSON.stringify(out));
