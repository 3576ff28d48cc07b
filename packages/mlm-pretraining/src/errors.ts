import { SelfevoError } from '@selfevo/utils';

/** Base class of every error thrown by this package. */
export class MlmPretrainingError extends SelfevoError {}

/** A pretraining option or input that is missing, out of range or inconsistent; names the parameter (or file). */
export class PretrainingConfigError extends MlmPretrainingError {
  constructor(
    /** The option, parameter or file at fault. */
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}
