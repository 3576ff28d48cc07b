/** A tensor or array argument has the wrong shape or length; `parameter` names the argument. */
export class ShapeMismatchError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'ShapeMismatchError';
  }
}

/** A loss option is out of range or inconsistent; `parameter` names the option. */
export class LossConfigError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'LossConfigError';
  }
}

/** A label is neither the ignore index nor a valid class id in [0, V). */
export class LabelRangeError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'LabelRangeError';
  }
}
