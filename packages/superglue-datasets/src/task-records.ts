import type { Split, TaskName } from '@selfevo/superglue-tasks';
import { isLabelledSplit, parseTaskName } from '@selfevo/superglue-tasks';
import { fetchWithRetry } from '@selfevo/utils';
import { DatasetOptionError, SuperGlueFormatError } from './errors.js';
import { parseOptions, ReadOptionsSchema } from './input-schemas.js';
import { DEFAULT_MAX_LINE_BYTES, type JsonlLine, linesOf } from './jsonl-lines.js';
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

export function emptyReport(task: TaskName, file: string): LoadReport {
  return { task, file, lines: 0, records: 0, skipped: [], complete: false };
}

/**
 * Validated records from the lines of one official JSONL file (`file` names it in errors and the
 * report). What `readTaskFile` (Node), `streamSplitFrom` and `loadSplitFrom` read through. Throws `SuperGlueFormatError` (file,
 * line, field) on a malformed line, a missing or mistyped field, an unknown label or a duplicate
 * `idx` at any level, unless `lenient` is set, in which case the line is skipped and recorded in
 * `report.skipped`. A duplicate is checked against the records kept so far. A line longer than
 * `maxLineBytes` or not valid UTF-8 is a format error too. `task` goes through the allow-list
 * (`parseTaskName`) and the options through their schema before the file is opened.
 */
export async function* readTaskLines<T extends TaskName>(
  name: T,
  file: string,
  lines: (maxLineBytes: number) => AsyncIterable<JsonlLine>,
  options: ReadOptions & { labelled: boolean },
  report: LoadReport = emptyReport(name, file),
): AsyncGenerator<TaskRecordMap[T]> {
  const task = parseTaskName(name) as T;
  parseOptions(ReadOptionsSchema, options);
  const seen = new Map<string, Map<string | number, number>>();
  for await (const { line, text, error } of lines(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
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

export interface LoadedSplit<T extends TaskName> {
  task: T;
  split: Split;
  file: string;
  records: TaskRecordMap[T][];
  report: LoadReport;
}

/**
 * Where a split's JSONL comes from in a browser (or anywhere without a file system): its text, its
 * bytes, a `Blob`/`File` (e.g. from `<input type="file">`), a fetch `Response`, or a URL (fetched with
 * `fetchWithRetry` of `@selfevo/utils`). Files on disk: `loadSplit` in `@selfevo/superglue-datasets/node`.
 */
export type TaskSource = { text: string } | Uint8Array | Blob | Response | URL;

export interface SourceReadOptions extends ReadOptions {
  /** Names the source in errors and the report (default: the File's name, the URL, or `<text>`). */
  name?: string;
}

function sourceName(source: TaskSource, name: string | undefined): string {
  if (name !== undefined) return name;
  if (source instanceof URL) return source.href;
  if (typeof Response !== 'undefined' && source instanceof Response) return source.url || '<response>';
  if (typeof Blob !== 'undefined' && source instanceof Blob)
    return (source as { name?: string }).name || '<blob>';
  if (source instanceof Uint8Array) return '<bytes>';
  return '<text>';
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

async function* sourceChunks(source: TaskSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) yield source;
  else if (source instanceof URL) yield (await fetchWithRetry(source)).body;
  else if (typeof Response !== 'undefined' && source instanceof Response) {
    if (source.body) yield* streamChunks(source.body);
  } else if (typeof Blob !== 'undefined' && source instanceof Blob) yield* streamChunks(source.stream());
  else if (typeof (source as { text?: unknown }).text === 'string')
    yield new TextEncoder().encode((source as { text: string }).text);
  else
    throw new DatasetOptionError(
      'source',
      'expected { text }, a Uint8Array, a Blob/File, a Response or a URL',
    );
}

/**
 * Streams one split's validated records from a {@link TaskSource} (checked like files on disk:
 * `SuperGlueFormatError` with name, line and field; `lenient` lists skipped lines in the report).
 */
export function streamSplitFrom<T extends TaskName>(
  name: T,
  split: Split,
  source: TaskSource,
  options: SourceReadOptions = {},
): SplitStream<T> {
  const task = parseTaskName(name) as T;
  const { name: given, ...read } = options;
  parseOptions(ReadOptionsSchema, read);
  const file = sourceName(source, given);
  const report = emptyReport(task, file);
  const labelled = read.labelled ?? isLabelledSplit(task, split);
  const lines = (max: number) => linesOf(sourceChunks(source), max);
  return { file, report, records: readTaskLines(task, file, lines, { ...read, labelled }, report) };
}

/** Reads one split from a {@link TaskSource} into memory (see `streamSplitFrom`). */
export async function loadSplitFrom<T extends TaskName>(
  task: T,
  split: Split,
  source: TaskSource,
  options: SourceReadOptions = {},
): Promise<LoadedSplit<T>> {
  const stream = streamSplitFrom(task, split, source, options);
  const records: TaskRecordMap[T][] = [];
  for await (const r of stream.records) records.push(r);
  return { task: stream.report.task as T, split, file: stream.file, records, report: stream.report };
}
