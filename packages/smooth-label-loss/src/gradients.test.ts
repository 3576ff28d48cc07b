import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  crossEntropyAtPositions,
  klDistillation,
  labelSmoothedCrossEntropy,
  logitMseDistillation,
  rectifiedSmoothLabelLoss,
  softTargetCrossEntropy,
} from './index.js';
import { finiteDifferenceMaxError, pseudoRandom } from './test-fixtures/reference.js';

// float32 central differences with eps = 1e-2: truncation error O(eps²) ~ 1e-4 and rounding
// error ~ 1e-7 / eps ~ 1e-5 on losses of order 1, so 2e-3 is a tolerance that still catches a
// wrong gradient (those are off by O(1/N) or more).
const TOL = 2e-3;

describeEachBackend(
  'loss gradients agree with finite differences',
  () => {
    const n = 5;
    const v = 7;
    const x0 = () => tf.tensor2d(pseudoRandom(n * v, 21, 2), [n, v]);
    const ref = () => tf.tensor2d(pseudoRandom(n * v, 22, 2), [n, v]);
    const labels = Int32Array.of(3, -100, 6, 0, 2);
    const cases: [string, (l: tf.Tensor) => tf.Tensor][] = [
      ['crossEntropyAtPositions', (l) => crossEntropyAtPositions(l, labels)],
      [
        'crossEntropyAtPositions (positions, sum)',
        (l) => crossEntropyAtPositions(l, labels, { positions: [4, 0], reduction: 'sum' }),
      ],
      ['labelSmoothedCrossEntropy', (l) => labelSmoothedCrossEntropy(l, labels, { epsilon: 0.2 })],
      [
        'rectifiedSmoothLabelLoss (reference logits)',
        (l) => rectifiedSmoothLabelLoss(l, labels, { alpha: 0.3, reference: { logits: ref() } }),
      ],
      [
        'rectifiedSmoothLabelLoss (reference probs)',
        (l) => rectifiedSmoothLabelLoss(l, labels, { reference: { probs: tf.softmax(ref()) } }),
      ],
      ['softTargetCrossEntropy', (l) => softTargetCrossEntropy(l, tf.softmax(ref()))],
      ['logitMseDistillation', (l) => logitMseDistillation(l, ref())],
      ['klDistillation (T = 2)', (l) => klDistillation(l, ref(), { temperature: 2 })],
    ];
    for (const [name, f] of cases) {
      it(name, () => {
        const err = tf.tidy(() => finiteDifferenceMaxError(f, x0()));
        console.log(`FD max |error| ${name}: ${err.toExponential(2)}`);
        expect(err).toBeLessThan(TOL);
      });
    }
  },
  { backends: ['cpu'] },
);
