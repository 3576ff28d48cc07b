import { SelfevoError } from '@selfevo/utils';

/** Base class of every error thrown by this package. */
export class SuperGlueTasksError extends SelfevoError {}

/** A label value, or a class index, that is not in the task's label set. */
export class UnknownLabelError extends SuperGlueTasksError {
  constructor(
    readonly task: string,
    readonly label: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** A split the task does not have (the diagnostics have only `test`). */
export class UnknownSplitError extends SuperGlueTasksError {
  constructor(
    readonly task: string,
    readonly split: string,
    message: string,
  ) {
    super(message);
  }
}
