// One ShapeMismatchError for both loss and masking code, so `instanceof` works across them.
export { ShapeMismatchError } from '@selfevo/smooth-label-loss';

/** A masking option is out of range or inconsistent; `parameter` names the option. */
export class MaskingConfigError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'MaskingConfigError';
  }
}

/** Stored stage-1 positions do not fit the batch they are applied to (wrong example, tokenizer or length). */
export class SelectionMismatchError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'SelectionMismatchError';
  }
}

/** A selection file line is not valid (`path:line` in the message). */
export class SelectionFormatError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    message: string,
  ) {
    super(`${path}:${line}: ${message}`);
    this.name = 'SelectionFormatError';
  }
}
