import { readFile } from 'node:fs/promises';
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

/** Like {@link parseJsonl} but collects malformed lines instead of throwing. */
export function parseJsonlLenient(text: string): {
  records: JsonlRecord[];
  errors: { line: number; message: string }[];
} {
  const records: JsonlRecord[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
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

export async function readJsonl(file: string): Promise<JsonlRecord[]> {
  return parseJsonl(await readFile(file, 'utf8'), file);
}
