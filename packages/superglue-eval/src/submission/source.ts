import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  readZipDirectory,
  readZipEntry,
  submissionFileName,
  TASKS,
  ZipFormatError,
  ZipLimitError,
} from '@selfevo/superglue-tasks';
import { DataFormatError, InputLimitError } from '../errors.js';
import { LimitsSchema, parseOptions } from '../input-schemas.js';
import { type InputLimits, resolveLimits } from '../limits.js';

/** The files of a submission folder or zip: each of the ten submission files found → UTF-8 text. */
export interface SubmissionSource {
  path: string;
  kind: 'folder' | 'zip';
  /** The submission files present (`BoolQ.jsonl`, …, `AX-g.jsonl`), by name. */
  files: Map<string, string>;
  /** Every other entry (other files, sub-folders, nested paths): listed, never read; reported as extras. */
  nested: string[];
}

const SUBMISSION_FILES: ReadonlySet<string> = new Set(TASKS.map(submissionFileName));
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text of a prediction file; invalid UTF-8 is a `DataFormatError` naming the first bad line. */
function decode(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        utf8.decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      line++;
      start = i + 1;
    }
    throw new DataFormatError(file, line, undefined, 'not valid UTF-8');
  }
}

function checkFileSize(file: string, size: number, limits: InputLimits): void {
  if (size > limits.maxPredictionFileBytes) {
    throw new InputLimitError(file, 'maxPredictionFileBytes', size, limits.maxPredictionFileBytes, 'bytes');
  }
}

async function readFolder(path: string, limits: InputLimits): Promise<SubmissionSource> {
  const files = new Map<string, string>();
  const nested: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (!entry.isFile() || !SUBMISSION_FILES.has(entry.name)) {
      nested.push(`${entry.name}${entry.isDirectory() ? '/' : ''}`);
      continue;
    }
    const file = join(path, entry.name);
    checkFileSize(entry.name, (await stat(file)).size, limits);
    files.set(entry.name, decode(await readFile(file), entry.name));
  }
  return { path, kind: 'folder', files, nested };
}

async function readZip(path: string, limits: InputLimits): Promise<SubmissionSource> {
  const size = (await stat(path)).size;
  if (size > limits.maxArchiveBytes) {
    throw new ZipLimitError(
      path,
      undefined,
      'maxArchiveBytes',
      size,
      limits.maxArchiveBytes,
      `archive is ${size} bytes, over maxArchiveBytes (${limits.maxArchiveBytes})`,
    );
  }
  const buffer = await readFile(path);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const files = new Map<string, string>();
  const nested: string[] = [];
  try {
    for (const entry of readZipDirectory(bytes, limits, path)) {
      if (entry.directory) continue;
      if (!SUBMISSION_FILES.has(entry.name)) {
        nested.push(entry.name);
        continue;
      }
      checkFileSize(entry.name, entry.size, limits);
      files.set(entry.name, decode(readZipEntry(bytes, entry, path), entry.name));
    }
  } catch (err) {
    if (!(err instanceof ZipFormatError)) throw err;
    const where = err.entry === undefined ? '' : `entry ${JSON.stringify(err.entry)}: `;
    throw new DataFormatError(
      path,
      undefined,
      undefined,
      `not a readable zip archive (${where}${err.reason})`,
      {
        cause: err,
      },
    );
  }
  return { path, kind: 'zip', files, nested };
}

/**
 * Reads a submission from a folder (top level only) or a `.zip` archive. Only the ten submission
 * files are read (each at most `maxPredictionFileBytes`, strict UTF-8); every other entry is only
 * listed. A zip goes through the bounded, CRC-checked reader of `@selfevo/superglue-tasks`: its
 * size, entry count, stated sizes and expansion ratio are checked before anything is inflated
 * (`ZipLimitError`), and an entry whose data does not match its stated size or CRC-32 is a
 * `DataFormatError` naming it.
 */
export async function readSubmissionSource(
  path: string,
  limits: Partial<InputLimits> = {},
): Promise<SubmissionSource> {
  const resolved = resolveLimits(parseOptions(LimitsSchema, limits, 'limits'));
  if (!existsSync(path)) throw new DataFormatError(path, undefined, undefined, 'no such file or folder');
  if ((await stat(path)).isDirectory()) return readFolder(path, resolved);
  return readZip(path, resolved);
}
