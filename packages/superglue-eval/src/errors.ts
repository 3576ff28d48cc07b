import { SelfevoError } from '@selfevo/utils';

/** Base class of every error thrown by this package. */
export class SuperGlueEvalError extends SelfevoError {}

/** A metric was called with inputs it cannot score (no rows, mismatched lengths, a missing metric); `metric` names it. */
export class MetricInputError extends SuperGlueEvalError {
  constructor(
    readonly metric: string,
    message: string,
  ) {
    super(`${metric}: ${message}`);
  }
}

/** A data or prediction file is malformed; the message names the file, line (1-based) and field. */
export class DataFormatError extends SuperGlueEvalError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly detail: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      `${file}${line === undefined ? '' : `:${line}`}${field === undefined ? '' : ` (field ${field})`}: ${detail}`,
      options,
    );
  }
}

/**
 * An input over one of the documented limits (a prediction file's size or line count, a reference
 * file's size); refused before it is read in full. `limit` names the limit, `file` the input.
 */
export class InputLimitError extends SuperGlueEvalError {
  constructor(
    readonly file: string,
    readonly limit: string,
    readonly actual: number,
    readonly max: number,
    what: string,
  ) {
    super(`${file}: ${actual} ${what}, over ${limit} (${max})`);
  }
}

/** An option out of range or of the wrong type; `parameter` is its path (`limits.maxPredictionLines`). */
export class EvalOptionError extends SuperGlueEvalError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/** A prediction handed to the submission writer is not a legal label for its task. */
export class InvalidPredictionError extends SuperGlueEvalError {
  constructor(
    readonly task: string,
    readonly key: string,
    detail: string,
  ) {
    super(`${task} prediction for idx ${key}: ${detail}`);
  }
}

/** A reference (gold) file the caller asked for does not exist. */
export class MissingReferenceError extends SuperGlueEvalError {
  constructor(
    readonly task: string,
    readonly path: string,
  ) {
    super(`${task}: no reference file at ${path}`);
  }
}

/** Gold data that cannot be scored (no labels, wrong structure for the metric). */
export class InvalidGoldError extends SuperGlueEvalError {
  constructor(
    readonly task: string,
    detail: string,
  ) {
    super(`${task}: ${detail}`);
  }
}

/** Bad command-line usage; the CLI prints the message and the usage text, exit code 2. */
export class UsageError extends SuperGlueEvalError {
  constructor(message: string) {
    super(message);
  }
}
