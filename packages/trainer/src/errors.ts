import { SelfevoError, type SelfevoErrorOptions } from '@selfevo/utils';

/** Base class of every error this package throws on purpose (a `SelfevoError`). */
export class TrainerError extends SelfevoError {}

/** A loss (or gradient norm) that is NaN or ±Infinity. `step` is the optimizer step (1-based) it happened in. */
export class NonFiniteLossError extends TrainerError {
  constructor(
    /** The optimizer step (1-based, i.e. the step that was being computed) with the non-finite value. */
    readonly step: number,
    /** What was not finite. */
    readonly what: 'loss' | 'gradient norm',
    /** The offending value (NaN, Infinity or -Infinity). */
    readonly value: number,
    /** Micro-batch index inside the step (0-based) for a loss; -1 for the gradient norm. */
    readonly microBatch: number,
  ) {
    super(
      what === 'loss'
        ? `non-finite loss (${value}) at step ${step}, micro-batch ${microBatch}; ` +
            `set onNonFinite: 'skip' to skip such steps instead of stopping`
        : `non-finite gradient norm (${value}) at step ${step}; ` +
            `set onNonFinite: 'skip' to skip such steps instead of stopping`,
    );
  }
}

/** Where a bad option came from: its name (`optimizer.lr`, `batchSize`) and its value. */
export interface TrainerConfigErrorDetails extends SelfevoErrorOptions {
  option?: string;
  value?: unknown;
}

/**
 * Options that contradict each other or are out of range. `option` names the option (a dotted
 * path such as `schedule.warmupRatio`) and `value` is what was passed, when one option is at fault.
 */
export class TrainerConfigError extends TrainerError {
  readonly option?: string;
  readonly value?: unknown;
  constructor(message: string, details: TrainerConfigErrorDetails = {}) {
    super(message, details);
    this.option = details.option;
    if ('value' in details) this.value = details.value;
  }
}

/**
 * A checkpoint to resume from is missing, damaged or does not match the run; `dir` is the
 * checkpoint folder (for a damaged one the message names the file).
 */
export class ResumeError extends TrainerError {
  readonly dir?: string;
  constructor(message: string, options: SelfevoErrorOptions & { dir?: string } = {}) {
    super(message, options);
    this.dir = options.dir;
  }
}

/**
 * A training log that cannot be read: `file` (the source name given to `parseJsonlLog`) and the
 * 1-based `line` (absent for a problem with the whole file, such as its size).
 */
export class TrainingLogError extends TrainerError {
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, options: SelfevoErrorOptions & { file?: string; line?: number } = {}) {
    super(message, options);
    this.file = options.file;
    this.line = options.line;
  }
}

/** A data-parallel worker failed (an error thrown in its module, its loss or its gradients, or it died). */
export class DataParallelWorkerError extends TrainerError {
  constructor(
    readonly workerIndex: number,
    readonly causeName: string,
    readonly causeMessage: string,
    readonly causeStack?: string,
  ) {
    super(`data-parallel worker ${workerIndex} failed: ${causeName}: ${causeMessage}`);
  }
}
