import { SelfevoError } from '@selfevo/utils';

/** Base class of every error thrown by this package. */
export class SuperGlueFinetuningError extends SelfevoError {}

/** An option, recipe value or task name out of range or inconsistent; `parameter` names it. */
export class FinetuneConfigError extends SuperGlueFinetuningError {
  constructor(
    /** The option or recipe field at fault (`tasks`, `batchSize`, `maxTrainExamples`, `tokenizer`…). */
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

/** A training or prediction batch that the task head cannot use (split COPA pair, no labels, spans). */
export class TaskBatchError extends SuperGlueFinetuningError {}

/** Encoder weights that do not fit the task model (missing or mismatched tensors); names the folder. */
export class CheckpointMismatchError extends SuperGlueFinetuningError {}

/** Prediction left tensors allocated (a bug): `leaked` is how many. */
export class TensorLeakError extends SuperGlueFinetuningError {
  constructor(readonly leaked: number) {
    super(`prediction leaked ${leaked} tensors`);
  }
}
