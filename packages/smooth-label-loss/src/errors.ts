import { SelfevoError } from '@selfevo/utils';

// One ShapeMismatchError for every package (losses, masking, encoder), so `instanceof` works
// across them: `parameter` names the argument.
export { ShapeMismatchError } from '@selfevo/utils';

/** Base class of every error thrown by this package (and `ShapeMismatchError`, shared via @selfevo/utils). */
export class SmoothLabelLossError extends SelfevoError {}

/** A loss option is out of range or inconsistent; `parameter` names the option. */
export class LossConfigError extends SmoothLabelLossError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/** A label is neither the ignore index nor a valid class id in [0, V). */
export class LabelRangeError extends SmoothLabelLossError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}
