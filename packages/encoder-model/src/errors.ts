/** A tensor or parameter had a shape other than the one required. */
export class ShapeMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeMismatchError';
  }
}

/** A safetensors buffer is malformed, hostile or uses an unsupported dtype. */
export class SafetensorsFormatError extends Error {
  constructor(message: string) {
    super(`invalid safetensors: ${message}`);
    this.name = 'SafetensorsFormatError';
  }
}

/** The config JSON is missing a required field or has an invalid value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
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
export class MissingParametersError extends Error {
  constructor(readonly report: LoadReport) {
    const parts: string[] = [];
    if (report.missing.length) parts.push(`missing (${report.missing.length}): ${report.missing.join(', ')}`);
    if (report.mismatched.length)
      parts.push(`wrong shape (${report.mismatched.length}): ${report.mismatched.join('; ')}`);
    if (report.unexpected.length)
      parts.push(`unexpected (${report.unexpected.length}): ${report.unexpected.join(', ')}`);
    super(`weights do not match the model — ${parts.join(' | ')} (pass strict: false to load anyway)`);
    this.name = 'MissingParametersError';
  }
}

/** A download from the Hugging Face hub (or a mirror) failed. */
export class HubDownloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubDownloadError';
  }
}

/** A checkpoint folder is missing files or does not match the parameters it is loaded into. */
export class CheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
  }
}
