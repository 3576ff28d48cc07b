import { SelfevoError, type SelfevoErrorOptions } from '@selfevo/utils';

// One ShapeMismatchError for every package (losses, masking, the encoder), so `instanceof` works
// across them: `parameter` names the input (`attentionMask`, `inputIds`, …).
export { ShapeMismatchError } from '@selfevo/utils';

/** Base class of every error this package throws on purpose (a `SelfevoError`). */
export class EncoderModelError extends SelfevoError {}

/** A short, printable rendering of a (possibly hostile) value (one helper, in @selfevo/utils). */
import { showValue } from '@selfevo/utils';

export { showValue };

/** A safetensors buffer is malformed, hostile or uses an unsupported dtype. */
export class SafetensorsFormatError extends EncoderModelError {
  constructor(message: string, options?: SelfevoErrorOptions) {
    super(`invalid safetensors: ${message}`, options);
  }
}

/** Where a bad config value came from: the file (if any), the field (HF name) and the value. */
export interface ConfigErrorDetails extends SelfevoErrorOptions {
  /** The file the value was read from (`…/config.json`), when it came from a file. */
  file?: string;
  /** The field, by its HF `config.json` name (or the option's name). */
  field?: string;
  /** The offending value (shown in the message when given, even if `undefined`). */
  value?: unknown;
}

/**
 * A config (HF `config.json`, `makeConfig` options, optimizer options) is missing a required field,
 * has an impossible value or cannot be read. The message reads `file: field reason, got value`.
 */
export class ConfigError extends EncoderModelError {
  readonly file?: string;
  readonly field?: string;
  readonly value?: unknown;
  constructor(message: string, details: ConfigErrorDetails = {}) {
    const where = `${details.file ? `${details.file}: ` : ''}${details.field ? `${details.field} ` : ''}`;
    const got = 'value' in details ? `, got ${showValue(details.value)}` : '';
    super(`${where}${message}${got}`, details);
    this.file = details.file;
    this.field = details.field;
    if ('value' in details) this.value = details.value;
  }
}

/** Problems found when loading a state dict into a model (missing / unexpected / wrong-shaped). */
export interface LoadReport {
  /** Parameters the model needs that the weights file lacks. */
  missing: string[];
  /** Tensors in the file that the model has no parameter for. */
  unexpected: string[];
  /** Tensors whose shape differs from the model's: `name: file [..] vs model [..]`. */
  mismatched: string[];
}

/** Raised by strict loading when the weights do not match the model; lists every problem. */
export class MissingParametersError extends EncoderModelError {
  constructor(readonly report: LoadReport) {
    const parts: string[] = [];
    if (report.missing.length) parts.push(`missing (${report.missing.length}): ${report.missing.join(', ')}`);
    if (report.mismatched.length)
      parts.push(`wrong shape (${report.mismatched.length}): ${report.mismatched.join('; ')}`);
    if (report.unexpected.length)
      parts.push(`unexpected (${report.unexpected.length}): ${report.unexpected.join(', ')}`);
    super(`weights do not match the model — ${parts.join(' | ')} (pass strict: false to load anyway)`);
  }
}

/**
 * A forward input has a value out of range (an id outside the vocabulary, a non-integer id, a mask
 * value other than 0/1) or is too large for the element ceiling (`code` `ERR_INPUT_TOO_LARGE`);
 * `parameter` names it.
 */
export class InvalidInputError extends EncoderModelError {
  constructor(
    readonly parameter: string,
    message: string,
    options?: SelfevoErrorOptions,
  ) {
    super(`${parameter}: ${message}`, options);
  }
}

/** A download from the Hugging Face hub (or a mirror) failed, or what it received is not valid. */
export class HubDownloadError extends EncoderModelError {}

/** A checkpoint folder is missing files or does not match the parameters it is loaded into. */
export class CheckpointError extends EncoderModelError {}
