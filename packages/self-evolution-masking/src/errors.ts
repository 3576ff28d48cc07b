import { SelfevoError } from '@selfevo/utils';

// One ShapeMismatchError for every package (losses, masking, encoder), so `instanceof` works
// across them: `parameter` names the argument.
export { ShapeMismatchError } from '@selfevo/utils';

/** Base class of every error thrown by this package (and `ShapeMismatchError`, shared via @selfevo/utils). */
export class SelfEvolutionMaskingError extends SelfevoError {}

/** A masking option is out of range or inconsistent; `parameter` names the option. */
export class MaskingConfigError extends SelfEvolutionMaskingError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/** Stored stage-1 positions do not fit the batch they are applied to (wrong example, tokenizer or length). */
export class SelectionMismatchError extends SelfEvolutionMaskingError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/** A selection file line is not valid (`path:line` in the message). */
export class SelectionFormatError extends SelfEvolutionMaskingError {
  constructor(
    readonly path: string,
    readonly line: number,
    message: string,
  ) {
    super(`${path}:${line}: ${message}`);
  }
}
