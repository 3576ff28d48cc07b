import { arrayBatchSource } from './batch-source.js';
import { TrainerConfigError } from './errors.js';
import { type TrainOptions, type TrainResult, train } from './train.js';
import type { EncoderLike } from './types.js';

/**
 * `train` with HF `TrainingArguments`-style defaults, for recipes (e.g. SuperGLUE fine-tuning):
 * batches from an in-memory example list, AdamW from `learningRate`/`weightDecay`/`adam*`, and a
 * warmup + decay schedule from `lrSchedulerType` and `warmupRatio` or `warmupSteps`.
 */
export interface RunTrainingLoopOptions<M extends EncoderLike, E, B>
  extends Omit<TrainOptions<M, B>, 'trainData' | 'optimizer' | 'schedule'> {
  trainExamples: readonly E[];
  /** Examples → batch (e.g. tokenized, padded arrays). */
  collate: (examples: E[]) => B;
  /** HF `per_device_train_batch_size`; default 8. */
  batchSize?: number;
  /** Shuffle every epoch with the run's seed (default true). */
  shuffle?: boolean;
  /** Default 5e-5 (HF). */
  learningRate?: number;
  /** Default 0 (HF). */
  weightDecay?: number;
  /** Default [0.9, 0.999]. */
  adamBetas?: [number, number];
  /** Default 1e-8. */
  adamEpsilon?: number;
  /** Default 'linear' (HF). */
  lrSchedulerType?: 'linear' | 'cosine' | 'constant';
  /** Warmup as a fraction of all steps (HF rounds up); ignored when `warmupSteps` is set. Default 0. */
  warmupRatio?: number;
  warmupSteps?: number;
}

export async function runTrainingLoop<M extends EncoderLike, E, B>(
  opts: RunTrainingLoopOptions<M, E, B>,
): Promise<TrainResult> {
  const {
    trainExamples,
    collate,
    batchSize = 8,
    shuffle = true,
    learningRate = 5e-5,
    weightDecay = 0,
    adamBetas,
    adamEpsilon,
    lrSchedulerType = 'linear',
    warmupRatio = 0,
    warmupSteps,
    ...rest
  } = opts;
  if (!(warmupRatio >= 0 && warmupRatio < 1))
    throw new TrainerConfigError(`warmupRatio must be in [0, 1), got ${warmupRatio}`);
  const trainData = arrayBatchSource(trainExamples, { batchSize, collate, shuffle });
  const accum = rest.gradientAccumulationSteps ?? 1;
  const totalSteps = rest.maxSteps ?? Math.ceil(((rest.epochs ?? 0) * trainData.batchesPerEpoch!) / accum);
  return train({
    ...rest,
    trainData,
    optimizer: { lr: learningRate, weightDecay, betas: adamBetas, eps: adamEpsilon },
    schedule: {
      schedule: lrSchedulerType,
      peakLr: learningRate,
      warmupSteps: warmupSteps ?? Math.ceil(warmupRatio * totalSteps),
    },
  });
}
