/** Options of a `SelfevoError`: the standard `cause`, and an optional stable machine-readable `code`. */
export interface SelfevoErrorOptions {
  cause?: unknown;
  /** A stable identifier callers can switch on (e.g. `'ERR_CHECKSUM'`); absent when the class says enough. */
  code?: string;
}

/**
 * Base class of every error a `@selfevo/*` package throws on purpose. Each package has one
 * subclass of it (`TokenizerError`, `SuperGlueDatasetsError`, …) that all of its errors extend,
 * so `err instanceof SelfevoError` catches anything of ours and the package class narrows it.
 * `name` is the concrete class's name (`new.target.name`), so subclasses need not set it.
 */
export class SelfevoError extends Error {
  readonly code: string | undefined;

  constructor(message: string, options: SelfevoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
  }
}

/**
 * A tensor or array argument has the wrong shape or length; `parameter` names it. One class for
 * every package (losses, masking, the encoder), so `instanceof` works across them.
 */
export class ShapeMismatchError extends SelfevoError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}
