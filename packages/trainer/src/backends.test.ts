import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { evalLoss, makeExamples, makeSource, mseLoss, TinyMlp } from './test-fixtures/tiny-mlp.js';
import { train } from './train.js';

describeEachBackend('train on every Node backend', () => {
  it('reduces the loss with accumulation and clipping, and the tensor count stays flat over 80 steps', async () => {
    const model = new TinyMlp(1);
    const heldOut = makeExamples(64, 99);
    const before = evalLoss(model, heldOut);
    const counts: number[] = [];
    const start = tf.memory().numTensors;
    await train({
      model,
      lossFn: mseLoss,
      trainData: makeSource(64, 4),
      optimizer: { lr: 0.02 },
      schedule: { schedule: 'cosine', peakLr: 0.02, warmupSteps: 5 },
      maxSteps: 80,
      gradientAccumulationSteps: 2,
      maxGradNorm: 0.5,
      evalFn: () => ({ loss: evalLoss(model, heldOut) }),
      evalEverySteps: 20,
      progress: 'none',
      callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
    });
    expect(evalLoss(model, heldOut)).toBeLessThan(before * 0.7);
    expect(new Set(counts.slice(1)).size).toBe(1);
    // after the run only the model's own variables remain (the trainer's optimizer is freed)
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });
});
