import { useBackend } from '@selfevo/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrainingLoop } from './run-training-loop.js';
import { collate, evalLoss, makeExamples, mseLoss, TinyMlp } from './test-fixtures/tiny-mlp.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('runTrainingLoop', () => {
  it('trains with HF-style arguments: warmupRatio, linear decay to 0, epochs over an example list', async () => {
    const model = new TinyMlp(2);
    const heldOut = makeExamples(32, 77);
    const before = evalLoss(model, heldOut);
    const lrs: number[] = [];
    const result = await runTrainingLoop({
      model,
      lossFn: mseLoss,
      trainExamples: makeExamples(80, 1),
      collate,
      batchSize: 8, // 10 batches per epoch
      epochs: 4,
      learningRate: 0.03,
      weightDecay: 0.01,
      warmupRatio: 0.1, // ceil(0.1 · 40) = 4 warmup steps
      evalFn: () => ({ loss: evalLoss(model, heldOut) }),
      evalEverySteps: 10,
      progress: 'none',
      callbacks: [{ onStepEnd: ({ learningRate }) => void lrs.push(learningRate) }],
    });
    expect(result.totalSteps).toBe(40);
    expect(lrs.slice(0, 5)).toEqual([0, 0.0075, 0.015, 0.0225, 0.03]);
    expect(lrs.at(-1)).toBeCloseTo(0.03 / 36, 12);
    expect(result.bestMetric!).toBeLessThan(before);
    model.dispose();
  });

  it('rejects a warmup ratio outside [0, 1)', async () => {
    const model = new TinyMlp(2);
    await expect(
      runTrainingLoop({
        model,
        lossFn: mseLoss,
        trainExamples: makeExamples(8),
        collate,
        maxSteps: 2,
        warmupRatio: 1,
      }),
    ).rejects.toThrow(/warmupRatio/);
    model.dispose();
  });
});
