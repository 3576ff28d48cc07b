import type {
  EncoderLike,
  ScheduleOptions as EncoderScheduleOptions,
  SeededRandom,
} from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';

/** What the trainer needs from a model (the encoder package's interface). */
export type { EncoderLike };

/** Extra context passed to a loss function. */
export interface LossContext {
  /**
   * This micro-batch's generator (dropout masks, noise): seeded from the run's seed stream, one
   * seed per micro-batch, so randomness depends only on `(seed, micro-batch number)` — identical
   * after a resume and in every data-parallel replica. Draw all training randomness from it.
   */
  rng: SeededRandom;
  /** The optimizer step being computed (1-based). */
  step: number;
}

/** Returns the scalar loss of `batch`. Called inside a gradient tape when `training` is true. */
export type LossFn<M, B> = (model: M, batch: B, training: boolean, ctx: LossContext) => tf.Scalar;

/**
 * Learning-rate schedule: the encoder package's `learningRateAt` options, with `peakLr` defaulting
 * to the optimizer's `lr`, `totalSteps` to the run's number of optimizer steps, and the warmup
 * given as `warmupSteps` or as HF's `warmupRatio` (`ceil(warmupRatio · totalSteps)` steps; at most
 * one of the two, default no warmup). With AdamW parameter groups the schedule sets the base rate
 * and every group's rate follows it by the same factor.
 */
export type ScheduleOptions = Omit<EncoderScheduleOptions, 'peakLr' | 'warmupSteps' | 'totalSteps'> &
  Partial<Pick<EncoderScheduleOptions, 'peakLr' | 'warmupSteps' | 'totalSteps'>> & {
    /** Warmup as a fraction of `totalSteps`, in [0, 1) (HF `warmup_ratio`; rounded up). */
    warmupRatio?: number;
  };

/**
 * Which of `model.namedParameters()` train: a list of names, or a predicate over the name. The
 * others are frozen: no gradient is computed for them and the optimizer does not hold them.
 */
export type ParameterSelection = readonly string[] | ((name: string) => boolean);

/** One line of the JSONL training log. Train lines carry `loss`; eval lines carry `eval_*` keys. */
export interface LogRecord {
  type: 'train' | 'eval';
  /** Optimizer steps done so far (HF `global_step`). */
  step: number;
  /** Fractional epoch: micro-batches consumed / batches per epoch (integer epoch if unknown). */
  epoch: number;
  /** Milliseconds since the (possibly resumed) run started. */
  elapsed_ms: number;
  [key: string]: number | string | boolean | null;
}
