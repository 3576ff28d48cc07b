// Official JSONL files on disk (Node only; exported from `@selfevo/superglue-datasets/node`). The
// record checks and the browser-safe readers (`loadSplitFrom`, `streamSplitFrom`) are in
// ./task-records.ts.
import type { Split, TaskName } from '@selfevo/superglue-tasks';
import { isLabelledSplit, parseTaskName } from '@selfevo/superglue-tasks';
import { splitPath } from './data-dir.js';
import { parseOptions, SplitOptionsSchema } from './input-schemas.js';
import { readLines } from './jsonl-file.js';
import {
  emptyReport,
  type LoadedSplit,
  type LoadReport,
  type ReadOptions,
  readTaskLines,
  type SplitStream,
} from './task-records.js';
import type { TaskRecordMap } from './types.js';

export {
  emptyReport,
  type LoadedSplit,
  type LoadReport,
  type ReadOptions,
  type SkippedLine,
  type SplitStream,
} from './task-records.js';

export interface SplitOptions extends ReadOptions {
  /** Folder with `<TASK>/<split>.jsonl` (default: `SUPERGLUE_DIR`). */
  dir?: string;
}

/**
 * Streams the validated records of one official JSONL file. Throws `SuperGlueFormatError` (file,
 * line, field) on a malformed line, a missing or mistyped field, an unknown label or a duplicate
 * `idx` at any level, unless `lenient` is set, in which case the line is skipped and recorded in
 * `report.skipped`. A duplicate is checked against the records kept so far. A line longer than
 * `maxLineBytes` or not valid UTF-8 is a format error too. `task` goes through the allow-list
 * (`parseTaskName`) and the options through their schema before the file is opened.
 */
export function readTaskFile<T extends TaskName>(
  name: T,
  file: string,
  options: ReadOptions & { labelled: boolean },
  report: LoadReport = emptyReport(name, file),
): AsyncGenerator<TaskRecordMap[T]> {
  return readTaskLines(name, file, (max) => readLines(file, max), options, report);
}

/** Streams `<dir>/<TASK>/<split>.jsonl` record by record (for the large files, e.g. ReCoRD train). */
export function streamSplit<T extends TaskName>(
  name: T,
  split: Split,
  options: SplitOptions = {},
): SplitStream<T> {
  const task = parseTaskName(name) as T;
  parseOptions(SplitOptionsSchema, options);
  const file = splitPath(task, split, options.dir);
  const report = emptyReport(task, file);
  const labelled = options.labelled ?? isLabelledSplit(task, split);
  return { file, report, records: readTaskFile(task, file, { ...options, labelled }, report) };
}

/** Reads a whole split into memory (see `streamSplit` for large files). */
export async function loadSplit<T extends TaskName>(
  task: T,
  split: Split,
  options: SplitOptions = {},
): Promise<LoadedSplit<T>> {
  const stream = streamSplit(task, split, options);
  const records: TaskRecordMap[T][] = [];
  for await (const r of stream.records) records.push(r);
  return { task, split, file: stream.file, records, report: stream.report };
}
