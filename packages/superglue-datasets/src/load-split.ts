import type { Split, TaskName } from '@selfevo/superglue-tasks';
import { isLabelledSplit, parseTaskName } from '@selfevo/superglue-tasks';
import { splitPath } from './data-dir.js';
import { SuperGlueFormatError } from './errors.js';
import { parseOptions, ReadOptionsSchema, SplitOptionsSchema } from './input-schemas.js';
import { DEFAULT_MAX_LINE_BYTES, readLines } from './jsonl-lines.js';
import { RecordChecker } from './record-checker.js';
import type { TaskRecordMap } from './types.js';
import { validateRecord } from './validate-record.js';

/** A line left out in lenient mode, with the error that would have been thrown in strict mode. */
export interface SkippedLine {
  line: number;
  field: string | undefined;
  reason: string;
  message: string;
}

/** What a read saw. In lenient mode every left-out line is listed: nothing is dropped silently. */
export interface LoadReport {
  task: TaskName;
  file: string;
  /** Lines read (including skipped ones). */
  lines: number;
  /** Records returned. */
  records: number;
  skipped: SkippedLine[];
  /** True once the whole file has been read. */
  complete: boolean;
}

export interface ReadOptions {
  /** Skip bad lines and list them in the report instead of throwing (default false: throw). */
  lenient?: boolean;
  /** Require labels (default: true for train/val, false for test and the diagnostics). */
  labelled?: boolean;
  /** Called for each skipped line in lenient mode. */
  onSkip?: (skipped: SkippedLine) => void;
  /** A longer line is a format error (skipped in lenient mode) and never held in memory (default 16 MiB). */
  maxLineBytes?: number;
}

export interface SplitOptions extends ReadOptions {
  /** Folder with `<TASK>/<split>.jsonl` (default: `SUPERGLUE_DIR`). */
  dir?: string;
}

export function emptyReport(task: TaskName, file: string): LoadReport {
  return { task, file, lines: 0, records: 0, skipped: [], complete: false };
}

/**
 * Streams the validated records of one official JSONL file. Throws `SuperGlueFormatError` (file,
 * line, field) on a malformed line, a missing or mistyped field, an unknown label or a duplicate
 * `idx` at any level, unless `lenient` is set, in which case the line is skipped and recorded in
 * `report.skipped`. A duplicate is checked against the records kept so far. A line longer than
 * `maxLineBytes` or not valid UTF-8 is a format error too. `task` goes through the allow-list
 * (`parseTaskName`) and the options through their schema before the file is opened.
 */
export async function* readTaskFile<T extends TaskName>(
  name: T,
  file: string,
  options: ReadOptions & { labelled: boolean },
  report: LoadReport = emptyReport(name, file),
): AsyncGenerator<TaskRecordMap[T]> {
  const task = parseTaskName(name) as T;
  parseOptions(ReadOptionsSchema, options);
  const seen = new Map<string, Map<string | number, number>>();
  for await (const { line, text, error } of readLines(file, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
    report.lines = line;
    const checker = new RecordChecker(file, line);
    let record: TaskRecordMap[T];
    try {
      if (error !== undefined) checker.fail(undefined, error);
      if (text.trim() === '') checker.fail(undefined, 'empty line');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        checker.fail(undefined, `malformed JSON: ${(err as Error).message}`);
      }
      const result = validateRecord(task, raw, checker, options.labelled);
      const pending = new Map<string, Set<string | number>>();
      for (const id of result.ids) {
        const first = seen.get(id.level)?.get(id.value);
        const inLine = pending.get(id.level);
        if (first !== undefined || inLine?.has(id.value)) {
          checker.fail(
            id.field,
            `duplicate ${id.level} idx ${JSON.stringify(id.value)} (first seen on line ${first ?? line})`,
          );
        }
        if (inLine) inLine.add(id.value);
        else pending.set(id.level, new Set([id.value]));
      }
      for (const [level, values] of pending) {
        let levelSeen = seen.get(level);
        if (!levelSeen) seen.set(level, (levelSeen = new Map()));
        for (const v of values) levelSeen.set(v, line);
      }
      record = result.record;
    } catch (err) {
      if (!(err instanceof SuperGlueFormatError) || !options.lenient) throw err;
      const skipped = { line, field: err.field, reason: err.reason, message: err.message };
      report.skipped.push(skipped);
      options.onSkip?.(skipped);
      continue;
    }
    report.records++;
    yield record;
  }
  report.complete = true;
}

/** A streaming reader of one split; `report` fills in as `records` is consumed. */
export interface SplitStream<T extends TaskName> {
  file: string;
  records: AsyncGenerator<TaskRecordMap[T]>;
  report: LoadReport;
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

export interface LoadedSplit<T extends TaskName> {
  task: T;
  split: Split;
  file: string;
  records: TaskRecordMap[T][];
  report: LoadReport;
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
