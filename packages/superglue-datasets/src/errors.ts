import { SelfevoError } from '@selfevo/utils';

/** Base class of every error thrown by this package. */
export class SuperGlueDatasetsError extends SelfevoError {}

/** An option or argument is out of range or inconsistent; `parameter` names it. */
export class DatasetOptionError extends SuperGlueDatasetsError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/** No folder holds the SuperGLUE task asked for (none given, or it lacks the task), and no download was allowed. */
export class MissingDataError extends SuperGlueDatasetsError {}

/** Where a problem was found: the file, the 1-based line number and the field path inside the record. */
export interface FormatLocation {
  file: string;
  line: number;
  field?: string;
}

/** A JSONL line that is not valid JSON, lacks a field, has a field of the wrong type, an unknown label or a duplicate `idx`. */
export class SuperGlueFormatError extends SuperGlueDatasetsError {
  readonly file: string;
  readonly line: number;
  readonly field: string | undefined;
  readonly reason: string;
  constructor(location: FormatLocation, reason: string) {
    const where = `${location.file}:${location.line}${location.field ? ` field "${location.field}"` : ''}`;
    super(`${where}: ${reason}`);
    this.file = location.file;
    this.line = location.line;
    this.field = location.field;
    this.reason = reason;
  }
}

/** A downloaded or cached file whose sha256 differs from the expected one. */
export class ChecksumMismatchError extends SuperGlueDatasetsError {
  readonly source: string;
  readonly expected: string;
  readonly actual: string;
  constructor(source: string, expected: string, actual: string) {
    super(`sha256 mismatch for ${source}: expected ${expected}, got ${actual}; the download was discarded`);
    this.source = source;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A download was asked for an archive whose official sha256 is not known, without an explicit hash. */
export class UnknownChecksumError extends SuperGlueDatasetsError {
  readonly task: string;
  constructor(task: string, url: string) {
    super(
      `no known official sha256 for ${task} (${url}); pass { sha256: '<hex>' } to pin it, ` +
        'or { allowUnverified: true } to accept any content (its hash is then written next to the cached zip)',
    );
    this.task = task;
  }
}

/** A zip entry whose name would be written outside the extraction folder (absolute path, `..`, drive letter). */
export class UnsafeZipEntryError extends SuperGlueDatasetsError {
  readonly entry: string;
  constructor(archive: string, entry: string, why: string) {
    super(`refusing zip entry ${JSON.stringify(entry)} in ${archive}: ${why}`);
    this.entry = entry;
  }
}

/**
 * A download that failed (HTTP status, network error, timeout, missing file). `status` and
 * `attempt` come from the `FetchError` (the `cause`) when the source was a URL.
 */
export class DownloadError extends SuperGlueDatasetsError {
  readonly url: string;
  readonly status: number | undefined;
  readonly attempt: number | undefined;
  constructor(
    url: string,
    reason: string,
    options: { status?: number; attempt?: number; cause?: unknown } = {},
  ) {
    super(`download of ${url} failed: ${reason}`, { cause: options.cause });
    this.url = url;
    this.status = options.status;
    this.attempt = options.attempt;
  }
}

/**
 * A download whose content is not what was asked for (e.g. an HTML error page served with status
 * 200 in place of a zip); it is discarded before anything is cached.
 */
export class UnexpectedContentError extends SuperGlueDatasetsError {
  constructor(
    readonly source: string,
    readonly expected: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}; expected ${expected}; the download was discarded`);
  }
}

/** A path the cache code was about to write or delete lies outside the cache folder (refused). */
export class CachePathError extends SuperGlueDatasetsError {
  constructor(
    readonly cacheDir: string,
    readonly path: string,
  ) {
    super(`refusing to write or delete ${path}: not inside the cache folder ${cacheDir}`);
  }
}

/** A target span (WiC, WSC) or an answer entity (ReCoRD) that cannot be mapped onto tokens. */
export class SpanAlignmentError extends SuperGlueDatasetsError {}
