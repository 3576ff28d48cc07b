import { SelfevoError } from '@selfevo/utils';
import { previewValue } from './value-preview.js';

/** Base class of every error thrown by this package. */
export class SuperGlueTasksError extends SelfevoError {}

/**
 * A task name outside the ten SuperGLUE tasks (case-insensitive). Every name that becomes a path,
 * a file name or a label set goes through this allow-list first; `value` is what was given.
 */
export class UnknownTaskError extends SuperGlueTasksError {
  constructor(
    readonly value: unknown,
    expected: readonly string[],
  ) {
    super(
      `unknown SuperGLUE task ${previewValue(value)} (expected one of ${expected.join(', ')}; case-insensitive)`,
    );
  }
}

/** A label value, or a class index, that is not in the task's label set. */
export class UnknownLabelError extends SuperGlueTasksError {
  constructor(
    readonly task: string,
    readonly label: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** A split the task does not have (the diagnostics have only `test`). */
export class UnknownSplitError extends SuperGlueTasksError {
  constructor(
    readonly task: string,
    readonly split: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a zip archive may hold before it is refused (see `readZipDirectory`). */
export type ZipLimitName = 'maxArchiveBytes' | 'maxEntries' | 'maxEntryBytes' | 'maxTotalBytes' | 'maxRatio';

/**
 * A zip archive over one of its limits (archive size, entry count, an entry's or the total
 * expanded size, expansion ratio): refused before anything is inflated. `entry` names the entry
 * at fault, when one is.
 */
export class ZipLimitError extends SuperGlueTasksError {
  constructor(
    readonly archive: string,
    readonly entry: string | undefined,
    readonly limit: ZipLimitName,
    readonly actual: number,
    readonly max: number,
    message: string,
  ) {
    super(`${archive}${entry === undefined ? '' : ` entry ${JSON.stringify(entry)}`}: ${message}`);
  }
}

/**
 * A zip archive that is not what it says: no end-of-central-directory record, a directory or
 * entry outside the file, overlapping entries, an entry whose stated size or CRC-32 does not match
 * its data, an unsupported method, encryption or zip64. `entry` names the entry at fault.
 */
export class ZipFormatError extends SuperGlueTasksError {
  constructor(
    readonly archive: string,
    readonly entry: string | undefined,
    readonly reason: string,
  ) {
    super(`${archive}${entry === undefined ? '' : ` entry ${JSON.stringify(entry)}`}: ${reason}`);
  }
}
