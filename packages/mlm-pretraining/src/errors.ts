/** A pretraining option or input that is missing, out of range or inconsistent; names the parameter (or file). */
export class PretrainingConfigError extends Error {
  override readonly name = 'PretrainingConfigError';
  constructor(
    /** The option, parameter or file at fault. */
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}
