import { SelfevoError } from '@selfevo/utils';

/**
 * Base class of every error thrown by this package (a `SelfevoError`): `err instanceof
 * PromptTransferError` catches any of them; `name` is the concrete class's name.
 */
export class PromptTransferError extends SelfevoError {}

/** A prompt option is missing, out of range or inconsistent; `parameter` names the option. */
export class PromptConfigError extends PromptTransferError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/**
 * A prompt does not fit what it is used with: another backbone (hash), hidden size, layer count,
 * prompt length or shape; `parameter` names what differs.
 */
export class PromptMismatchError extends PromptTransferError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/** A saved prompt folder is missing a file or holds malformed contents; `file` names it. */
export class PromptArtifactError extends PromptTransferError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}
