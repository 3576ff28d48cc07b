import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { expectAllClose } from '@selfevo/backend/test';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSource } from './batch-source.js';
import { NonFiniteLossError, ResumeError, TrainerConfigError } from './errors.js';
import { readJsonlLog } from './jsonl-log.js';
import {
  type Batch,
  evalLoss,
  makeExamples,
  makeSource,
  mseLoss,
  TinyMlp,
} from './test-fixtures/tiny-mlp.js';
import { type TrainOptions, train } from './train.js';
import type { LogRecord } from './types.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'selfevo-trainer-'));
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function baseOptions(
  model: TinyMlp,
  extra: Partial<TrainOptions<TinyMlp, Batch>> = {},
): TrainOptions<TinyMlp, Batch> {
  return {
    model,
    lossFn: mseLoss,
    trainData: makeSource(64, 8),
    optimizer: { lr: 0.02, weightDecay: 0.01 },
    schedule: { schedule: 'linear', peakLr: 0.02, warmupSteps: 3 },
    maxSteps: 30,
    progress: 'none',
    ...extra,
  };
}

const stripTime = (r: LogRecord[]) => r.map(({ elapsed_ms: _e, ...rest }) => rest);

describe('train', () => {
  it('reduces the loss, logs every logged step as JSONL, and keeps the tensor count flat', async () => {
    const out = await tempDir();
    const model = new TinyMlp(1);
    const heldOut = makeExamples(64, 99);
    const before = evalLoss(model, heldOut);
    const counts: number[] = [];
    const result = await train(
      baseOptions(model, {
        maxSteps: 60,
        logEverySteps: 5,
        outputDir: out,
        evalFn: () => ({ loss: evalLoss(model, heldOut) }),
        evalEverySteps: 20,
        callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
      }),
    );
    const after = evalLoss(model, heldOut);
    expect(after).toBeLessThan(before * 0.7);
    expect(result.step).toBe(60);
    // Flat from the first step on (the optimizer's moments are created at step 1).
    expect(new Set(counts.slice(1)).size).toBe(1);
    const log = await readJsonlLog(result.logPath!);
    expect(log.filter((r) => r.type === 'train').map((r) => r.step)).toEqual(
      Array.from({ length: 12 }, (_, i) => 5 * (i + 1)),
    );
    expect(log.filter((r) => r.type === 'eval').map((r) => r.step)).toEqual([20, 40, 60]);
    expect(stripTime(log)).toEqual(stripTime(result.logHistory));
    const lr = log.filter((r) => r.type === 'train').map((r) => r.learning_rate as number);
    // linear decay after warmup 3 over 60 steps; the record at step s has the lr of update s (0-based s-1)
    expectAllClose(lr[1], (0.02 * (60 - 9)) / 57, 1e-12);
    const evalRec = log.find((r) => r.type === 'eval' && r.step === 60)!;
    expect(evalRec.eval_loss).toBeCloseTo(after, 6);
    model.dispose();
  });

  it('gradient accumulation over 2 micro-batches of 4 equals one batch of 8', async () => {
    const a = new TinyMlp(3);
    const b = new TinyMlp(3);
    const noNoise = (m: TinyMlp, batch: Batch, _t: boolean, ctx: Parameters<typeof mseLoss>[3]) =>
      mseLoss(m, batch, false, ctx);
    await train(
      baseOptions(a, { lossFn: noNoise, trainData: makeSource(64, 8, { shuffle: false }), maxSteps: 16 }),
    );
    await train(
      baseOptions(b, {
        lossFn: noNoise,
        trainData: makeSource(64, 4, { shuffle: false }),
        gradientAccumulationSteps: 2,
        maxSteps: 16,
      }),
    );
    const sa = a.snapshot();
    const sb = b.snapshot();
    for (const k of Object.keys(sa)) expectAllClose(sb[k], sa[k], 1e-5);
    a.dispose();
    b.dispose();
  });

  it('runs whole epochs (last accumulation step may be partial) and reports fractional epochs', async () => {
    const model = new TinyMlp(2);
    const result = await train(
      baseOptions(model, {
        maxSteps: undefined,
        epochs: 3,
        trainData: makeSource(40, 8), // 5 batches per epoch
        gradientAccumulationSteps: 2,
        logEverySteps: 1,
      }),
    );
    expect(result.totalSteps).toBe(8); // ceil(15 / 2)
    expect(result.step).toBe(8);
    expect(result.epoch).toBe(3);
    expect(result.logHistory.map((r) => r.epoch)).toEqual([0.4, 0.8, 1.2, 1.6, 2, 2.4, 2.8, 3]);
    model.dispose();
  });

  it('ends cleanly, with a final checkpoint, when a source yields fewer batches than it announced', async () => {
    const out = await tempDir();
    const model = new TinyMlp(2);
    const real = makeSource(48, 8); // 6 batches
    const overstated: BatchSource<Batch> = {
      batchesPerEpoch: 10,
      epochBatches: (e, r) => real.epochBatches(e, r),
    };
    const result = await train(
      baseOptions(model, {
        trainData: overstated,
        maxSteps: undefined,
        epochs: 1,
        outputDir: out,
        saveEverySteps: 4,
      }),
    );
    expect(result.totalSteps).toBe(10);
    expect(result.step).toBe(6);
    expect(result.lastCheckpoint).toBe(join(out, 'checkpoint-6'));
    expect((await readdir(out)).filter((n) => n.startsWith('checkpoint-')).sort()).toEqual([
      'checkpoint-4',
      'checkpoint-6',
    ]);
    model.dispose();
  });

  it('stops with NonFiniteLossError naming the step of an injected NaN', async () => {
    const model = new TinyMlp(1);
    const numBefore = tf.memory().numTensors;
    const nanAt7 = (m: TinyMlp, batch: Batch, t: boolean, ctx: Parameters<typeof mseLoss>[3]) => {
      const l = mseLoss(m, batch, t, ctx);
      return ctx.step === 7 ? (tf.mul(l, tf.scalar(Number.NaN)) as tf.Scalar) : l;
    };
    const err = await train(baseOptions(model, { lossFn: nanAt7, gradientAccumulationSteps: 2 })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err.step).toBe(7);
    expect(err.what).toBe('loss');
    expect(err.message).toMatch(/non-finite loss \(NaN\) at step 7, micro-batch 0/);
    // no tensors leaked by the failed run beyond the model itself
    expect(tf.memory().numTensors).toBe(numBefore);
    model.dispose();
  });

  it('stops with NonFiniteLossError on a finite loss whose gradient is not finite', async () => {
    const model = new TinyMlp(1);
    // sqrt(w - w) adds 0 to the loss but its gradient is inf - inf = NaN
    const badGradAt5 = (m: TinyMlp, batch: Batch, t: boolean, ctx: Parameters<typeof mseLoss>[3]) => {
      const l = mseLoss(m, batch, t, ctx);
      if (ctx.step !== 5) return l;
      const w = m.params.get('dense2.bias')!;
      return tf.add(l, tf.sum(tf.sqrt(tf.sub(w, w)))) as tf.Scalar;
    };
    const err = await train(baseOptions(model, { lossFn: badGradAt5 })).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err.message).toMatch(/non-finite gradient norm \(NaN\) at step 5/);
    model.dispose();
  });

  it("skips non-finite steps with onNonFinite: 'skip' and leaves the weights unchanged by them", async () => {
    const model = new TinyMlp(1);
    const snapshots: Record<number, Record<string, number[]>> = {};
    const infAt = new Set([4, 5]);
    const lossFn = (m: TinyMlp, batch: Batch, t: boolean, ctx: Parameters<typeof mseLoss>[3]) => {
      const l = mseLoss(m, batch, t, ctx);
      return infAt.has(ctx.step) ? (tf.add(l, tf.scalar(Number.POSITIVE_INFINITY)) as tf.Scalar) : l;
    };
    const result = await train(
      baseOptions(model, {
        lossFn,
        maxSteps: 10,
        logEverySteps: 1,
        onNonFinite: 'skip',
        callbacks: [{ onStepEnd: ({ step }) => void (snapshots[step] = model.snapshot()) }],
      }),
    );
    expect(result.skippedSteps).toEqual([4, 5]);
    expect(snapshots[5]).toEqual(snapshots[3]);
    expect(snapshots[6]).not.toEqual(snapshots[5]);
    for (const v of Object.values(model.snapshot()).flat()) expect(Number.isFinite(v)).toBe(true);
    const rec5 = result.logHistory.find((r) => r.step === 5)!;
    expect(rec5.loss).toBeNull();
    expect(rec5.skipped_steps).toBe(2);
    model.dispose();
  });

  it('early stopping and keep-best pick the right step on a scripted metric sequence', async () => {
    const out = await tempDir();
    const model = new TinyMlp(1);
    // evaluations at steps 5, 10, ...: best 0.71 at step 15; then 3 evaluations without improvement
    const scripted = [0.5, 0.7, 0.71, 0.71, 0.6, 0.705, 0.9, 0.95];
    let i = 0;
    const weightsAt: Record<number, Record<string, number[]>> = {};
    const evaluated: number[] = [];
    const result = await train(
      baseOptions(model, {
        maxSteps: 100,
        outputDir: out,
        evalFn: ({ step }) => {
          evaluated.push(step);
          return { accuracy: scripted[i++] };
        },
        evalEverySteps: 5,
        metricForBest: 'accuracy',
        earlyStoppingPatience: 3,
        saveTotalLimit: 1,
        loadBestModelAtEnd: true,
        callbacks: [{ onStepEnd: ({ step }) => void (weightsAt[step] = model.snapshot()) }],
      }),
    );
    expect(evaluated).toEqual([5, 10, 15, 20, 25, 30]);
    expect(result.stoppedEarly).toBe(true);
    expect(result.step).toBe(30);
    expect(result.bestStep).toBe(15);
    expect(result.bestMetric).toBe(0.71);
    expect(result.bestCheckpoint).toBe(join(out, 'checkpoint-15'));
    // saveTotalLimit 1: the last checkpoint plus the best one
    expect((await readdir(out)).filter((n) => n.startsWith('checkpoint-')).sort()).toEqual([
      'checkpoint-15',
      'checkpoint-30',
    ]);
    // loadBestModelAtEnd restored the weights as they were after step 15
    expect(model.snapshot()).toEqual(weightsAt[15]);
    model.dispose();
  });

  it('with greaterIsBetter false (a loss) the lowest value wins, and threshold demands a real improvement', async () => {
    const model = new TinyMlp(1);
    const scripted = [1.0, 0.8, 0.79, 0.85, 0.5];
    let i = 0;
    const result = await train(
      baseOptions(model, {
        maxSteps: 25,
        evalFn: () => ({ loss: scripted[i++] }),
        evalEverySteps: 5,
        earlyStoppingPatience: 2,
        earlyStoppingThreshold: 0.05,
      }),
    );
    // 0.79 is not better than 0.8 by more than 0.05, 0.85 is worse: stop after step 20
    expect(result.bestStep).toBe(10);
    expect(result.stoppedEarly).toBe(true);
    expect(result.step).toBe(20);
    model.dispose();
  });

  it('resumes exactly after a crash (accumulation, epochs, non-seekable source, RNG-dependent loss)', async () => {
    const outA = await tempDir();
    const outB = await tempDir();
    const heldOut = makeExamples(16, 5);
    const seekable = makeSource(36, 5);
    // a source that cannot seek: the trainer skips batches itself on resume
    const plain: BatchSource<Batch> = { epochBatches: (e, r) => seekable.epochBatches(e, r) };
    const opts = (model: TinyMlp, out: string, extra: Partial<TrainOptions<TinyMlp, Batch>> = {}) =>
      baseOptions(model, {
        trainData: plain,
        maxSteps: undefined,
        epochs: 4,
        gradientAccumulationSteps: 3,
        outputDir: out,
        saveEverySteps: 4,
        evalFn: () => ({ loss: evalLoss(model, heldOut) }),
        evalEverySteps: 3,
        logEverySteps: 2,
        seed: 11,
        ...extra,
      });
    const a = new TinyMlp(4);
    const ra = await train(opts(a, outA));
    expect(ra.totalSteps).toBe(11); // 8 batches (last partial) per epoch × 4 / 3

    const b = new TinyMlp(4);
    const crash = new Error('simulated crash');
    await expect(
      train(
        opts(b, outB, {
          callbacks: [
            {
              onStepEnd: ({ step }) => {
                if (step === 7) throw crash;
              },
            },
          ],
        }),
      ),
    ).rejects.toBe(crash);
    // without resumeFrom, a non-empty outputDir is refused
    await expect(train(opts(new TinyMlp(4), outB))).rejects.toThrow(TrainerConfigError);
    const saved = (await readdir(outB)).filter((n) => n.startsWith('checkpoint-'));
    const latest = Math.max(...saved.map((n) => Number(n.slice('checkpoint-'.length))));
    expect(latest).toBeGreaterThanOrEqual(4);
    expect(latest).toBeLessThan(7);
    const b2 = new TinyMlp(99); // different init: everything must come from the checkpoint
    const rb = await train(opts(b2, outB, { resumeFrom: 'latest' }));
    expect(rb.resumedFromStep).toBe(latest);
    expect(b2.snapshot()).toEqual(a.snapshot());
    expect(stripTime(await readJsonlLog(rb.logPath!))).toEqual(stripTime(await readJsonlLog(ra.logPath!)));
    expect(rb.bestStep).toBe(ra.bestStep);
    // an explicit checkpoint folder works too, and a folder that is no checkpoint is a ResumeError
    const b3 = new TinyMlp(98);
    await train(opts(b3, outB, { resumeFrom: join(outB, `checkpoint-${ra.step}`) }));
    expect(b3.snapshot()).toEqual(a.snapshot());
    await expect(train(opts(new TinyMlp(4), outB, { resumeFrom: join(outB, 'nope') }))).rejects.toThrow(
      ResumeError,
    );
    // a different seed cannot resume this run (and the failed resume frees the loaded optimizer state)
    const c = new TinyMlp(4);
    const tensorsBefore = tf.memory().numTensors;
    await expect(train(opts(c, outB, { resumeFrom: 'latest', seed: 12 }))).rejects.toThrow(ResumeError);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    c.dispose();
    b3.dispose();
    for (const m of [a, b, b2]) m.dispose();
  });

  it('rejects contradictory options with TrainerConfigError', async () => {
    const model = new TinyMlp(1);
    await expect(train(baseOptions(model, { epochs: 2 }))).rejects.toThrow(
      /exactly one of maxSteps and epochs/,
    );
    await expect(train(baseOptions(model, { gradientAccumulationSteps: 0 }))).rejects.toThrow(
      TrainerConfigError,
    );
    await expect(train(baseOptions(model, { earlyStoppingPatience: 2 }))).rejects.toThrow(/needs evalFn/);
    await expect(
      train(baseOptions(model, { evalFn: () => ({ acc: 1 }), evalEverySteps: 5, metricForBest: 'f1' })),
    ).rejects.toThrow(/no "f1"/);
    model.dispose();
  });
});
