import {
  type AdamW,
  clipCoefficient,
  GradientAccumulator,
  type SeededRandom,
  squaredGlobalNorm,
} from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { computeGradientsAsync } from './compute-gradients.js';
import type { WorkItem } from './data-parallel-protocol.js';
import { NonFiniteLossError } from './errors.js';
import { microBatchRng } from './micro-batch-rng.js';
import type { MicroBatch } from './micro-batch-stream.js';
import type { EncoderLike, LossFn } from './types.js';

/** Computes the micro-batches of a step elsewhere (the data-parallel pool), in micro-batch order. */
export interface GradientWorkers {
  compute(items: WorkItem[], step: number): Promise<{ loss: number; grads: Record<string, tf.Tensor> }[]>;
}

/** Where the step's micro-batch came from (the trainer's data position). */
export interface DataPosition {
  epoch: number;
  batchIndex: number;
  microBatchesSeen: number;
}

export interface StepContext<M extends EncoderLike, B> {
  model: M;
  lossFn: LossFn<M, B>;
  /** The trained parameters (gradients are taken for these only). */
  params: Map<string, tf.Variable>;
  optimizer: AdamW;
  accumSteps: number;
  maxGradNorm: number;
  onNonFinite: 'error' | 'skip';
  /** The run's seed stream: one uint32 per micro-batch seeds that micro-batch's generator. */
  seedStream: SeededRandom;
  /** The model's own generator (re-seeded per micro-batch), if any. */
  modelRng?: SeededRandom;
  workers: GradientWorkers | null;
}

/** What one optimizer step did. */
export interface StepOutcome {
  /** Mean micro-batch loss (NaN for a skipped step). */
  meanLoss: number;
  /** Global gradient norm before clipping (NaN for a skipped step). */
  gradNorm: number;
  /** The step was skipped for a non-finite loss or gradient (`onNonFinite: 'skip'`). */
  skipped: boolean;
}

/** Losses and summed gradients of one step's micro-batches; the first non-finite loss marks it skipped. */
class StepGradients {
  lossSum = 0;
  count = 0;
  nonFinite = false;
  readonly sum = new GradientAccumulator();

  constructor(
    private readonly stepNo: number,
    private readonly onNonFinite: 'error' | 'skip',
  ) {}

  /** Add one micro-batch's result (the grads are disposed here). */
  add(micro: number, loss: number, grads: Record<string, tf.Tensor>): void {
    try {
      if (this.nonFinite) return;
      if (!Number.isFinite(loss)) {
        if (this.onNonFinite === 'error') throw new NonFiniteLossError(this.stepNo, 'loss', loss, micro);
        this.nonFinite = true;
        return;
      }
      this.lossSum += loss;
      this.sum.add(grads);
    } finally {
      tf.dispose(Object.values(grads));
    }
  }
}

/** Global L2 norm of `grads` (0 for none), read back asynchronously. */
async function globalNormOf(grads: Record<string, tf.Tensor>): Promise<number> {
  const names = Object.keys(grads);
  if (names.length === 0) return 0;
  const sq = squaredGlobalNorm(grads);
  try {
    return Math.sqrt((await sq.data())[0]);
  } finally {
    sq.dispose();
  }
}

/**
 * Mean gradient → clip to `maxGradNorm` (0 / Infinity: no clipping) → `optimizer.step(·, lr)`.
 * Returns the norm before clipping; a non-finite norm updates nothing.
 */
async function applyUpdate(
  optimizer: AdamW,
  sum: GradientAccumulator,
  maxGradNorm: number,
  lr: number,
): Promise<number> {
  const mean = sum.mean();
  try {
    // the norm is read back asynchronously here (the same sum of squares clipByGlobalNorm takes)
    const norm = await globalNormOf(mean);
    const clip = maxGradNorm > 0 && Number.isFinite(maxGradNorm);
    // clipping folded into the update (AdamW scales each gradient as it reads it): the same
    // values as clipByGlobalNorm's scaled copy, without the copy
    if (Number.isFinite(norm))
      optimizer.step(mean, lr, { gradScale: clip ? clipCoefficient(norm, maxGradNorm) : 1 });
    return norm;
  } finally {
    tf.dispose(Object.values(mean));
  }
}

/**
 * One optimizer step (step `stepNo`, base learning rate `lr`): read up to `accumSteps`
 * micro-batches from `stream` (advancing `position`), take each one's loss and gradients (here, or
 * on the workers), average, clip, update. One seed is drawn per micro-batch read, even for one
 * not computed, so the stream never drifts. Returns null when the data ran out before the step.
 */
export async function optimizerStep<M extends EncoderLike, B>(
  ctx: StepContext<M, B>,
  stream: Iterator<MicroBatch<B>>,
  position: DataPosition,
  stepNo: number,
  lr: number,
): Promise<StepOutcome | null> {
  const step = new StepGradients(stepNo, ctx.onNonFinite);
  try {
    const work: WorkItem[] = [];
    for (let m = 0; m < ctx.accumSteps; m++) {
      const next = stream.next();
      if (next.done) break;
      const { batch, epoch, index } = next.value;
      position.epoch = epoch;
      position.batchIndex = index + 1;
      position.microBatchesSeen++;
      step.count++;
      const microSeed = ctx.seedStream.nextUint32();
      if (ctx.workers) work.push({ micro: m, batch, seed: microSeed });
      else if (!step.nonFinite) {
        // (after a non-finite loss the step is skipped: the rest of its data is consumed unused)
        const lossCtx = { rng: microBatchRng(microSeed, ctx.modelRng), step: stepNo };
        const { loss, grads } = await computeGradientsAsync(
          ctx.model,
          ctx.lossFn,
          batch,
          lossCtx,
          ctx.params,
        );
        step.add(m, loss, grads);
      }
    }
    if (ctx.workers && work.length > 0) {
      const results = await ctx.workers.compute(work, stepNo);
      try {
        // summed in micro-batch order, whichever worker computed what
        for (const [i, r] of results.entries()) step.add(work[i].micro, r.loss, r.grads);
      } finally {
        for (const r of results) tf.dispose(Object.values(r.grads)); // (also after an error)
      }
    }
    if (step.count === 0) return null;
    if (step.nonFinite) return { meanLoss: Number.NaN, gradNorm: Number.NaN, skipped: true };
    const gradNorm = await applyUpdate(ctx.optimizer, step.sum, ctx.maxGradNorm, lr);
    if (Number.isFinite(gradNorm)) return { meanLoss: step.lossSum / step.count, gradNorm, skipped: false };
    if (ctx.onNonFinite === 'error') throw new NonFiniteLossError(stepNo, 'gradient norm', gradNorm, -1);
    return { meanLoss: step.lossSum / step.count, gradNorm, skipped: true };
  } finally {
    step.sum.reset();
  }
}
