import type { AdamW, AdamWOptions, SeededRandom } from '@selfevo/encoder-model';
import type { BatchSource } from './batch-source.js';
import type { DataParallelOptions } from './data-parallel-protocol.js';
import type { ProgressMode, ProgressStream } from './progress.js';
import type { SkippedCheckpoint } from './resume.js';
import type { EncoderLike, LogRecord, LossFn, ParameterSelection, ScheduleOptions } from './types.js';

/** Hooks for custom logging and monitoring. Every hook may be async; the trainer awaits it. */
export interface TrainerCallback {
  /** Every record written to the JSONL log (train and eval records). */
  onLog?(record: LogRecord): void | Promise<void>;
  /** After every optimizer step (also skipped ones). `loss` is the mean micro-batch loss. */
  onStepEnd?(info: {
    step: number;
    loss: number;
    learningRate: number;
    skipped: boolean;
  }): void | Promise<void>;
  /** After every evaluation, with the `eval_`-prefixed metrics. */
  onEvaluate?(info: { step: number; metrics: Record<string, number>; isBest: boolean }): void | Promise<void>;
  /** After a checkpoint was saved. */
  onSave?(info: { step: number; dir: string }): void | Promise<void>;
  /** Once, at the end (not when an error stops the run). */
  onTrainEnd?(result: TrainResult): void | Promise<void>;
}

export interface TrainOptions<M extends EncoderLike, B> {
  model: M;
  /** Scalar loss of one batch; `training` is true inside the gradient tape. */
  lossFn: LossFn<M, B>;
  trainData: BatchSource<B>;
  /** Evaluation: metrics by name (the trainer adds the `eval_` prefix). The model is in eval mode. */
  evalFn?: (info: { step: number }) => Promise<Record<string, number>> | Record<string, number>;
  /** Metric that picks the best checkpoint and drives early stopping (HF `metric_for_best_model`; default `loss`). */
  metricForBest?: string;
  /** Default: false if `metricForBest` ends in `loss`, else true (as HF). */
  greaterIsBetter?: boolean;
  /**
   * `AdamW` options (the trainer creates the optimizer over the trained parameters; options may
   * carry `parameterGroups` with per-group `lr` / `weightDecay`), or an `AdamW` instance (it must
   * hold every trained parameter; the caller disposes it).
   */
  optimizer: AdamW | AdamWOptions;
  /**
   * Train only these of `model.namedParameters()` (names, or a predicate over the name; default
   * all). The rest are frozen: no gradient is computed for them, the optimizer does not hold them,
   * and checkpoints store only the trained ones (PEFT-style: a prompt-tuning checkpoint holds the
   * prompt and head, not the backbone). On resume the model must come with the same frozen
   * weights: the checkpoint keeps a fingerprint of them and a mismatch is a `ResumeError`.
   * Variables with `trainable === false` are always frozen.
   */
  parameters?: ParameterSelection;
  /** Learning-rate schedule (HF `lr_scheduler_type` + warmup); default constant at the optimizer's lr. */
  schedule?: ScheduleOptions;
  /** Number of optimizer steps; exactly one of `maxSteps` / `epochs`. */
  maxSteps?: number;
  /** Number of passes over `trainData` (needs `batchesPerEpoch`, else epoch 0 is iterated to count). */
  epochs?: number;
  /** Micro-batches per optimizer step; gradients are averaged over them. Default 1. */
  gradientAccumulationSteps?: number;
  /** Clip the global gradient norm to this; 0 or Infinity disables. Default 1.0 (as HF). */
  maxGradNorm?: number;
  /** Evaluate every N optimizer steps (and after the last step). */
  evalEverySteps?: number;
  /** Save a checkpoint every N steps; default `evalEverySteps`. A final checkpoint is always saved. */
  saveEverySteps?: number;
  /** Stop after this many evaluations in a row without improvement of `metricForBest`. */
  earlyStoppingPatience?: number;
  /** Improvement must exceed this (HF `early_stopping_threshold`). Default 0. */
  earlyStoppingThreshold?: number;
  /** Where checkpoints (`checkpoint-<step>/`) and the log (`log.jsonl`) go. Without it nothing is written. */
  outputDir?: string;
  /** Keep at most this many newest checkpoints, plus the best one. Default: keep all. */
  saveTotalLimit?: number;
  /** After training, load the best checkpoint's weights into the model. Default false. */
  loadBestModelAtEnd?: boolean;
  /** Log the mean training loss every N optimizer steps (and at the last step). Default 10. */
  logEverySteps?: number;
  /** Seeds the run's RNG (passed to `lossFn`) and every epoch's data order. Default 42. */
  seed?: number;
  /**
   * The generator the model draws dropout from: the trainer re-seeds it before every micro-batch
   * (see `LossContext.rng`), so results depend only on `seed`. Default: `model.rng` when the model
   * has one (as the encoder does); pass another generator to override.
   */
  rng?: SeededRandom;
  /**
   * Data-parallel training over worker_threads: the micro-batches of each step are spread over
   * `workers` replicas built by `workerModule` (see `Replica`); gradients are summed in micro-batch
   * order, so losses and weights match a single-process run. Batches must be structured-cloneable.
   * Set `gradientAccumulationSteps` to a multiple of `workers` to keep every worker busy.
   */
  dataParallel?: DataParallelOptions;
  /**
   * `'latest'`: the newest intact checkpoint in `outputDir` (a fresh start if there is none; a
   * damaged newer one is skipped, moved aside and reported in `skippedCheckpoints`); or a
   * checkpoint folder (a damaged one is a `ResumeError` naming the file).
   */
  resumeFrom?: 'latest' | string;
  /** Start fresh even though `outputDir` already holds checkpoints (they are deleted). Default false. */
  overwriteOutputDir?: boolean;
  /** `'error'` (default): stop with `NonFiniteLossError`; `'skip'`: skip the step, no update. */
  onNonFinite?: 'error' | 'skip';
  /** Shortcut for a callback with only `onLog`. */
  onLog?: (record: LogRecord) => void | Promise<void>;
  callbacks?: TrainerCallback[];
  /** `'auto'` (default): a bar on a TTY, plain lines otherwise. */
  progress?: ProgressMode;
  /** Where progress lines (and warnings) go: default `process.stderr` in Node; any `{ write }`. */
  progressStream?: ProgressStream;
}

export interface TrainResult {
  /** Optimizer steps done (including skipped ones). */
  step: number;
  totalSteps: number;
  /** Fractional epochs consumed. */
  epoch: number;
  stoppedEarly: boolean;
  /** Steps skipped for a non-finite loss or gradient (with `onNonFinite: 'skip'`). */
  skippedSteps: number[];
  bestStep: number | null;
  bestMetric: number | null;
  bestCheckpoint: string | null;
  lastCheckpoint: string | null;
  logPath: string | null;
  /** Every record logged by this process (after a resume: from the resume point on). */
  logHistory: LogRecord[];
  /** The step the run resumed from (0 for a fresh start). */
  resumedFromStep: number;
  /**
   * Damaged checkpoints (truncated or missing file, garbled state, half-written folder) that
   * `resumeFrom: 'latest'` skipped for an older intact one: the folder, what is damaged, and where
   * it was moved (`checkpoint-N.damaged-<time>`; never deleted). Empty otherwise.
   */
  skippedCheckpoints: SkippedCheckpoint[];
  /** Names of the parameters that were trained (all of the model's unless `parameters` was set). */
  trainedParameters: string[];
}
