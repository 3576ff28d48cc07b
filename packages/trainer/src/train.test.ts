import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { readSafetensors } from '@selfevo/encoder-model';
import { expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { arrayBatchSource, type BatchSource } from './batch-source.js';
import { computeGradients } from './compute-gradients.js';
import { NonFiniteLossError, ResumeError, TrainerConfigError } from './errors.js';
import { readJsonlLog } from './jsonl-log.js';
import {
  type Batch,
  collate,
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

/** The MSE loss without input noise (so a step's gradient can be recomputed outside the trainer). */
const noNoise = (m: TinyMlp, batch: Batch, _t: boolean, ctx: Parameters<typeof mseLoss>[3]) =>
  mseLoss(m, batch, false, ctx);

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
    await expect(
      train(baseOptions(model, { schedule: { schedule: 'linear', warmupRatio: 1 } })),
    ).rejects.toThrow(/schedule\.warmupRatio must be in \[0, 1\), got 1/);
    await expect(
      train(baseOptions(model, { schedule: { schedule: 'linear', warmupRatio: 0.1, warmupSteps: 2 } })),
    ).rejects.toThrow(/at most one of schedule\.warmupSteps and schedule\.warmupRatio/);
    model.dispose();
  });

  it('trains with HF-style arguments: warmupRatio, linear decay to 0, peakLr from the optimizer, epochs over an example list', async () => {
    const model = new TinyMlp(2);
    const heldOut = makeExamples(32, 77);
    const before = evalLoss(model, heldOut);
    const lrs: number[] = [];
    const result = await train({
      model,
      lossFn: mseLoss,
      trainData: arrayBatchSource(makeExamples(80, 1), { batchSize: 8, collate }), // 10 batches per epoch
      epochs: 4,
      optimizer: { lr: 0.03, weightDecay: 0.01 },
      schedule: { schedule: 'linear', warmupRatio: 0.1 }, // ceil(0.1 · 40) = 4 warmup steps
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
});

describe('train: which parameters train, and how', () => {
  const head = ['dense2.weight', 'dense2.bias'];

  it('a subset trains; the frozen parameters stay bit-identical and are not in the checkpoints', async () => {
    const out = await tempDir();
    const model = new TinyMlp(1);
    const start = model.snapshot();
    const result = await train(
      baseOptions(model, { parameters: head, outputDir: out, saveEverySteps: 10, logEverySteps: 5 }),
    );
    expect(result.trainedParameters).toEqual(head);
    const end = model.snapshot();
    expect(end['dense1.weight']).toEqual(start['dense1.weight']);
    expect(end['dense1.bias']).toEqual(start['dense1.bias']);
    expect(end['dense2.weight']).not.toEqual(start['dense2.weight']);
    expect(end['dense2.bias']).not.toEqual(start['dense2.bias']);
    // the loss still went down with the head alone
    const losses = result.logHistory.filter((r) => r.type === 'train').map((r) => r.loss as number);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    const weights = readSafetensors(
      new Uint8Array(await readFile(join(out, 'checkpoint-30', 'model.safetensors'))),
    );
    expect([...weights.keys()].sort()).toEqual([...head].sort());
    const moments = readSafetensors(
      new Uint8Array(await readFile(join(out, 'checkpoint-30', 'optimizer.safetensors'))),
    );
    expect([...moments.keys()].sort()).toEqual([
      'm.dense2.bias',
      'm.dense2.weight',
      'v.dense2.bias',
      'v.dense2.weight',
    ]);
    // a predicate selects the same parameters as the list
    const byPredicate = new TinyMlp(1);
    await train(baseOptions(byPredicate, { parameters: (n) => n.startsWith('dense2.') }));
    expect(byPredicate.snapshot()).toEqual(end);
    for (const m of [model, byPredicate]) m.dispose();
  });

  it('a subset run resumes exactly, and refuses other frozen weights or another selection', async () => {
    const outA = await tempDir();
    const outB = await tempDir();
    const opts = (model: TinyMlp, out: string, extra: Partial<TrainOptions<TinyMlp, Batch>> = {}) =>
      baseOptions(model, { parameters: head, outputDir: out, saveEverySteps: 5, seed: 4, ...extra });
    const a = new TinyMlp(6);
    await train(opts(a, outA));
    const b = new TinyMlp(6);
    const crash = {
      onStepEnd: ({ step }: { step: number }) => {
        if (step === 13) throw new Error('crash');
      },
    };
    await expect(train(opts(b, outB, { callbacks: [crash] }))).rejects.toThrow('crash');
    // the backbone comes from the same weights (seed 6), the head from the checkpoint
    const b2 = new TinyMlp(6);
    for (const name of head) b2.params.get(name)!.assign(tf.zerosLike(b2.params.get(name)!));
    const r = await train(opts(b2, outB, { resumeFrom: 'latest' }));
    expect(r.resumedFromStep).toBe(10);
    expect(b2.snapshot()).toEqual(a.snapshot());
    // another backbone: the fingerprint of the frozen weights differs
    const other = new TinyMlp(7);
    await expect(train(opts(other, outB, { resumeFrom: 'latest' }))).rejects.toThrow(/other frozen weights/);
    // another selection
    await expect(
      train(opts(new TinyMlp(6), outB, { resumeFrom: 'latest', parameters: ['dense2.weight'] })),
    ).rejects.toThrow(/other parameters than this run \(only there: dense2\.bias\)/);
    for (const m of [a, b, b2, other]) m.dispose();
  });

  it('rejects a selection naming unknown parameters or training nothing', async () => {
    const model = new TinyMlp(1);
    await expect(train(baseOptions(model, { parameters: ['dense2.weight', 'dense9.bias'] }))).rejects.toThrow(
      /parameters names dense9\.bias, which the model does not have/,
    );
    await expect(train(baseOptions(model, { parameters: () => false }))).rejects.toThrow(
      /selects no trainable parameter/,
    );
    model.dispose();
  });

  it('AdamW parameter groups: each step equals a float64 AdamW with the group lr · schedule factor and group weight decay', async () => {
    const model = new TinyMlp(8);
    const data = makeExamples(16, 3);
    const snapshots: Record<string, number[]>[] = [model.snapshot()];
    const lrs: number[] = [];
    const groups = [
      { params: ['dense2.weight', 'dense2.bias'], lr: 0.05, weightDecay: 0.3 },
      { params: /^dense1\.bias$/, lr: 0.001 },
    ];
    await train({
      model,
      lossFn: noNoise,
      trainData: arrayBatchSource(data, { batchSize: 16, collate, shuffle: false }),
      optimizer: { lr: 0.02, weightDecay: 0.01, parameterGroups: groups },
      schedule: { schedule: 'linear' }, // 0.02, 0.02·2/3, 0.02·1/3
      maxSteps: 3,
      maxGradNorm: 0,
      progress: 'none',
      callbacks: [
        {
          onStepEnd: ({ learningRate }) => {
            lrs.push(learningRate);
            snapshots.push(model.snapshot());
          },
        },
      ],
    });
    expectAllClose(lrs, [0.02, 0.02 * (2 / 3), 0.02 / 3], 1e-12);
    // per parameter: [lr at the base rate 0.02, weight decay]; dense1.bias has no decay (rank 1)
    const hyper: Record<string, [number, number]> = {
      'dense2.weight': [0.05, 0.3],
      'dense2.bias': [0.05, 0.3],
      'dense1.bias': [0.001, 0],
      'dense1.weight': [0.02, 0.01],
    };
    const probe = new TinyMlp(8);
    const m: Record<string, number[]> = {};
    const v: Record<string, number[]> = {};
    for (let step = 0; step < 3; step++) {
      // the gradient at the weights before this step, recomputed outside the trainer
      for (const [k, p] of probe.params) p.assign(tf.tensor(snapshots[step][k], p.shape));
      const { grads } = computeGradients(probe, noNoise, collate(data));
      const t = step + 1;
      for (const [name, [lrAtBase, wd]] of Object.entries(hyper)) {
        const lr = (lrAtBase * lrs[step]) / 0.02;
        const g = Array.from(grads[name].dataSync(), Number);
        m[name] ??= g.map(() => 0);
        v[name] ??= g.map(() => 0);
        const expected = snapshots[step][name].map((p, j) => {
          m[name][j] = 0.9 * m[name][j] + 0.1 * g[j];
          v[name][j] = 0.999 * v[name][j] + 0.001 * g[j] * g[j];
          const denom = Math.sqrt(v[name][j]) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
          return p * (1 - lr * wd) - (lr / (1 - 0.9 ** t)) * (m[name][j] / denom);
        });
        expectAllClose(snapshots[step + 1][name], expected, 1e-6);
      }
      tf.dispose(Object.values(grads));
    }
    probe.dispose();
    model.dispose();
  });
});
