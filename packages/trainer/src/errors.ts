/** A loss (or gradient norm) that is NaN or ±Infinity. `step` is the optimizer step (1-based) it happened in. */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';
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

/** Options that contradict each other or are out of range. */
export class TrainerConfigError extends Error {
  override readonly name = 'TrainerConfigError';
}

/** A checkpoint to resume from is missing, incomplete or does not match the run. */
export class ResumeError extends Error {
  override readonly name = 'ResumeError';
}

/** A training log that cannot be read or plotted. */
export class TrainingLogError extends Error {
  override readonly name = 'TrainingLogError';
}

/** A data-parallel worker failed (an error thrown in its module, its loss or its gradients, or it died). */
export class DataParallelWorkerError extends Error {
  override readonly name = 'DataParallelWorkerError';
  constructor(
    readonly workerIndex: number,
    readonly causeName: string,
    readonly causeMessage: string,
    readonly causeStack?: string,
  ) {
    super(`data-parallel worker ${workerIndex} failed: ${causeName}: ${causeMessage}`);
  }
}
