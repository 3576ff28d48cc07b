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
 * Learning-rate schedule: the encoder package's `learningRateAt` options, with `warmupSteps`
 * defaulting to 0 and `totalSteps` to the run's number of optimizer steps.
 */
export type ScheduleOptions = Omit<EncoderScheduleOptions, 'warmupSteps' | 'totalSteps'> &
  Partial<Pick<EncoderScheduleOptions, 'warmupSteps' | 'totalSteps'>>;

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
