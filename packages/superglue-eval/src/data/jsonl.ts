import { DataFormatError } from '../errors.js';

/** One parsed JSON-lines record with its 1-based line number. */
export interface JsonlRecord {
  line: number;
  value: unknown;
}

/**
 * Parses JSON-lines text. Blank lines are skipped (files may or may not end with a newline);
 * a line that is not valid JSON throws a {@link DataFormatError} naming file and line.
 */
export function parseJsonl(text: string, file: string): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new DataFormatError(file, i + 1, undefined, `not valid JSON (${(err as Error).message})`);
    }
    out.push({ line: i + 1, value });
  }
  return out;
}

/** Lines of `text` (a final line without newline counted; a final newline adds none). */
export function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

/**
 * Like {@link parseJsonl} but collects malformed lines instead of throwing. A line longer than
 * `maxLineLength` (UTF-16 code units) is reported without being parsed.
 */
export function parseJsonlLenient(
  text: string,
  maxLineLength = Number.POSITIVE_INFINITY,
): {
  records: JsonlRecord[];
  errors: { line: number; message: string }[];
} {
  const records: JsonlRecord[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].length > maxLineLength) {
      errors.push({
        line: i + 1,
        message: `line is longer than ${maxLineLength} characters (maxLineLength)`,
      });
      continue;
    }
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (raw.trim() === '') continue;
    try {
      records.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      errors.push({ line: i + 1, message: `not valid JSON (${(err as Error).message})` });
    }
  }
  return { records, errors };
}
