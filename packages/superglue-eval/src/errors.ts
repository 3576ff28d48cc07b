/** A data or prediction file is malformed; the message names the file, line (1-based) and field. */
export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(
      `${file}${line === undefined ? '' : `:${line}`}${field === undefined ? '' : ` (field ${field})`}: ${detail}`,
    );
    this.name = 'DataFormatError';
  }
}

/** A prediction handed to the submission writer is not a legal label for its task. */
export class InvalidPredictionError extends Error {
  constructor(
    readonly task: string,
    readonly key: string,
    detail: string,
  ) {
    super(`${task} prediction for idx ${key}: ${detail}`);
    this.name = 'InvalidPredictionError';
  }
}

/** A reference (gold) file the caller asked for does not exist. */
export class MissingReferenceError extends Error {
  constructor(
    readonly task: string,
    readonly path: string,
  ) {
    super(`${task}: no reference file at ${path}`);
    this.name = 'MissingReferenceError';
  }
}

/** Gold data that cannot be scored (no labels, wrong structure for the metric). */
export class InvalidGoldError extends Error {
  constructor(
    readonly task: string,
    detail: string,
  ) {
    super(`${task}: ${detail}`);
    this.name = 'InvalidGoldError';
  }
}

/** Bad command-line usage; the CLI prints the message and the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
