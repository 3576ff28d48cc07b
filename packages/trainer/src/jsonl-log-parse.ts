import { showValue } from '@selfevo/utils';
import * as v from 'valibot';
import { TrainingLogError } from './errors.js';
import type { LogRecord } from './types.js';

/** Bounds of a JSONL training log read (a log of 1 M steps logged every step is ~200 MB). */
export const JSONL_LOG_LIMITS = {
  /** The whole file (or text), in bytes. */
  maxBytes: 256 * 2 ** 20,
  /** One line, in bytes (a record is ~200 bytes). */
  maxLineBytes: 2 ** 20,
} as const;

export interface JsonlLogReadOptions {
  /** Refuse a file (or text) larger than this many bytes. Default 256 MiB. */
  maxBytes?: number;
  /** Refuse a line longer than this many bytes. Default 1 MiB. */
  maxLineBytes?: number;
}

const NON_NEGATIVE = 'must be a finite number >= 0';
const SCALAR = 'must be a number, string, boolean or null';

/** One log record: a numeric `step`, checked `type` / `epoch` / `elapsed_ms` when present, scalar values. */
const LOG_RECORD_SCHEMA = v.objectWithRest(
  {
    step: v.pipe(
      v.number('must be an integer >= 0'),
      v.safeInteger('must be an integer >= 0'),
      v.minValue(0, 'must be an integer >= 0'),
    ),
    type: v.optional(v.picklist(['train', 'eval'], 'must be "train" or "eval"')),
    epoch: v.optional(v.pipe(v.number(NON_NEGATIVE), v.finite(NON_NEGATIVE), v.minValue(0, NON_NEGATIVE))),
    elapsed_ms: v.optional(
      v.pipe(v.number(NON_NEGATIVE), v.finite(NON_NEGATIVE), v.minValue(0, NON_NEGATIVE)),
    ),
  },
  v.union([v.number(), v.string(), v.boolean(), v.null()], SCALAR),
);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One complete line as a record, or a TrainingLogError naming `source:line`. */
function parseLine(line: string, source: string, lineNo: number): LogRecord | null {
  const fail = (why: string, cause?: unknown): never => {
    throw new TrainingLogError(`${source}:${lineNo}: ${why}`, { file: source, line: lineNo, cause });
  };
  if (line.trim() === '') return null;
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch (err) {
    fail(`not valid JSON (${(err as Error).message.slice(0, 200)})`, err);
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec) || !('step' in rec))
    fail('expected an object with a numeric "step"');
  const parsed = v.safeParse(LOG_RECORD_SCHEMA, rec, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = issue.path?.map((p) => String(p.key)).join('.') ?? 'record';
    fail(`${key} ${issue.message}, got ${showValue(issue.input)}`);
  }
  return rec as LogRecord;
}

/**
 * Parse a JSONL training log (text, or the file's bytes: those must be valid UTF-8). A last line
 * without its newline (a process killed while appending) is ignored; any other line that is not a
 * JSON object with an integer `step >= 0` and scalar values is a `TrainingLogError` naming
 * `source:line`. The text and each line are bounded (`JSONL_LOG_LIMITS`, or `opts`).
 */
export function parseJsonlLog(
  text: string | Uint8Array,
  source = 'log',
  opts: JsonlLogReadOptions = {},
): LogRecord[] {
  const maxBytes = opts.maxBytes ?? JSONL_LOG_LIMITS.maxBytes;
  const maxLine = opts.maxLineBytes ?? JSONL_LOG_LIMITS.maxLineBytes;
  // (for text, its length in UTF-16 units, at most its UTF-8 size)
  const size = typeof text === 'string' ? text.length : text.byteLength;
  if (size > maxBytes)
    throw new TrainingLogError(`${source}: ${size} bytes, over the ${maxBytes}-byte limit`, { file: source });
  const out: LogRecord[] = [];
  const nl = typeof text === 'string' ? '\n' : 0x0a;
  let start = 0;
  for (let lineNo = 1; ; lineNo++) {
    const end = text.indexOf(nl as never, start);
    // no newline after `start`: '' after a final newline, or a partial last line — dropped
    if (end < 0) break;
    if (end - start > maxLine)
      throw new TrainingLogError(
        `${source}:${lineNo}: line of ${end - start} bytes is over the ${maxLine}-byte limit`,
        { file: source, line: lineNo },
      );
    let line: string;
    if (typeof text === 'string') line = text.slice(start, end);
    else {
      try {
        line = utf8.decode(text.subarray(start, end));
      } catch (err) {
        throw new TrainingLogError(`${source}:${lineNo}: not valid UTF-8`, {
          file: source,
          line: lineNo,
          cause: err,
        });
      }
    }
    const rec = parseLine(line, source, lineNo);
    if (rec) out.push(rec);
    start = end + 1;
  }
  return out;
}
