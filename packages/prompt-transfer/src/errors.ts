/** A prompt option is missing, out of range or inconsistent; `parameter` names the option. */
export class PromptConfigError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'PromptConfigError';
  }
}

/**
 * A prompt does not fit what it is used with: another backbone (hash), hidden size, layer count,
 * prompt length or shape; `parameter` names what differs.
 */
export class PromptMismatchError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'PromptMismatchError';
  }
}

/** A saved prompt folder is missing a file or holds malformed contents; `file` names it. */
export class PromptArtifactError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'PromptArtifactError';
  }
}
