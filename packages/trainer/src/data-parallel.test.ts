import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { liveDataParallelWorkers } from './data-parallel-pool.js';
import { DataParallelWorkerError } from './errors.js';
import { type Batch, makeSource, mseLoss, TinyMlp } from './test-fixtures/tiny-mlp.js';
import { type TrainOptions, train } from './train.js';

const workerModule = new URL('./test-fixtures/replica.ts', import.meta.url);

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(() => {
  delete process.env.SELFEVO_DP_FAIL_STEP;
  delete process.env.SELFEVO_DP_FAIL_WORKER;
  delete process.env.SELFEVO_DP_FAIL_CREATE;
});

function options(model: TinyMlp, losses: number[], extra: Partial<TrainOptions<TinyMlp, Batch>> = {}) {
  return {
    model,
    lossFn: mseLoss,
    trainData: makeSource(96, 6),
    optimizer: { lr: 0.02 },
    schedule: { schedule: 'linear', peakLr: 0.02, warmupSteps: 5 },
    maxSteps: 50,
    gradientAccumulationSteps: 4,
    maxGradNorm: 0.5,
    progress: 'none',
    seed: 9,
    callbacks: [{ onStepEnd: ({ loss }: { loss: number }) => void losses.push(loss) }],
    ...extra,
  } satisfies TrainOptions<TinyMlp, Batch>;
}

describe('data-parallel training', () => {
  it('50 steps on 2 workers give the losses and final weights of a single-process run', async () => {
    const single = new TinyMlp(1);
    const lossesSingle: number[] = [];
    await train(options(single, lossesSingle));

    const dp = new TinyMlp(1);
    const lossesDp: number[] = [];
    const before = tf.memory().numTensors;
    await train(options(dp, lossesDp, { dataParallel: { workers: 2, workerModule } }));
    expect(tf.memory().numTensors).toBe(before);
    expect(liveDataParallelWorkers()).toBe(0);

    expect(lossesDp).toHaveLength(50);
    expectAllClose(lossesDp, lossesSingle, 1e-5);
    const a = single.snapshot();
    const b = dp.snapshot();
    for (const k of Object.keys(a)) expectAllClose(b[k], a[k], 1e-6);
    // and training actually moved the weights
    expect(b).not.toEqual(new TinyMlp(1).snapshot());
    single.dispose();
    dp.dispose();
  });

  it('with a parameter subset, workers differentiate only it and match a single-process subset run', async () => {
    const parameters = ['dense2.weight', 'dense2.bias'];
    const single = new TinyMlp(1);
    const lossesSingle: number[] = [];
    await train(options(single, lossesSingle, { maxSteps: 20, parameters }));
    const dp = new TinyMlp(1);
    const lossesDp: number[] = [];
    await train(
      options(dp, lossesDp, { maxSteps: 20, parameters, dataParallel: { workers: 2, workerModule } }),
    );
    expectAllClose(lossesDp, lossesSingle, 1e-5);
    const a = single.snapshot();
    const b = dp.snapshot();
    for (const k of Object.keys(a)) expectAllClose(b[k], a[k], 1e-6);
    expect(b['dense1.weight']).toEqual(new TinyMlp(1).snapshot()['dense1.weight']); // frozen
    single.dispose();
    dp.dispose();
  });

  it('a data-parallel run that crashed resumes to the weights of an uninterrupted single-process run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'selfevo-dp-resume-'));
    try {
      const single = new TinyMlp(1);
      await train(options(single, [], { maxSteps: 30 }));
      const dp = { workers: 2, workerModule };
      const crashed = new TinyMlp(1);
      const crashAt17 = {
        onStepEnd: ({ step }: { step: number }) => {
          if (step === 17) throw new Error('crash');
        },
      };
      await expect(
        train(
          options(crashed, [], {
            maxSteps: 30,
            outputDir: out,
            saveEverySteps: 10,
            dataParallel: dp,
            callbacks: [crashAt17],
          }),
        ),
      ).rejects.toThrow('crash');
      expect(liveDataParallelWorkers()).toBe(0);
      const resumed = new TinyMlp(2);
      const r = await train(
        options(resumed, [], {
          maxSteps: 30,
          outputDir: out,
          saveEverySteps: 10,
          dataParallel: dp,
          resumeFrom: 'latest',
        }),
      );
      expect(r.resumedFromStep).toBe(10);
      const a = single.snapshot();
      const b = resumed.snapshot();
      for (const k of Object.keys(a)) expectAllClose(b[k], a[k], 1e-6);
      for (const m of [single, crashed, resumed]) m.dispose();
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('an error thrown in a worker stops the run with DataParallelWorkerError and leaves no worker running', async () => {
    process.env.SELFEVO_DP_FAIL_STEP = '3';
    process.env.SELFEVO_DP_FAIL_WORKER = '1';
    const model = new TinyMlp(1);
    const err = await train(options(model, [], { dataParallel: { workers: 2, workerModule } })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DataParallelWorkerError);
    expect(err.workerIndex).toBe(1);
    expect(err.message).toMatch(/worker 1 failed: Error: boom at step 3/);
    expect(liveDataParallelWorkers()).toBe(0);
    model.dispose();
  });

  it('a replica that cannot be built fails the start and leaves no worker running', async () => {
    process.env.SELFEVO_DP_FAIL_CREATE = '0';
    const model = new TinyMlp(1);
    await expect(train(options(model, [], { dataParallel: { workers: 2, workerModule } }))).rejects.toThrow(
      /worker 0 failed: Error: cannot build replica 0/,
    );
    expect(liveDataParallelWorkers()).toBe(0);
    model.dispose();
  });
});
