import { appendFile, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@selfevo/encoder-model';
import { TrainingLogError } from './errors.js';
import type { LogRecord } from './types.js';

/**
 * Parse a JSONL training log. A last line without its newline (a process killed while appending)
 * is ignored; any other line that is not a JSON object is an error naming the line.
 */
export function parseJsonlLog(text: string, source = 'log'): LogRecord[] {
  const lines = text.split('\n');
  // The last element is '' after a final newline, or a partial line: both are dropped.
  const complete = lines.slice(0, -1);
  const out: LogRecord[] = [];
  complete.forEach((line, i) => {
    if (line.trim() === '') return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      throw new TrainingLogError(`${source}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    if (rec === null || typeof rec !== 'object' || typeof (rec as LogRecord).step !== 'number')
      throw new TrainingLogError(`${source}:${i + 1}: expected an object with a numeric "step"`);
    out.push(rec as LogRecord);
  });
  return out;
}

/** Read and parse a JSONL training log file. */
export async function readJsonlLog(path: string): Promise<LogRecord[]> {
  return parseJsonlLog(await readFile(path, 'utf8'), path);
}

/**
 * Appends log records, one JSON object per line. Each record is written with a single append
 * of a complete line, so a killed process leaves at most one partial last line, which readers
 * skip. On resume, {@link JsonlLogWriter.truncateAfter} atomically rewrites the file without the
 * records logged after the checkpoint (they will be logged again).
 */
export class JsonlLogWriter {
  constructor(readonly path: string) {}

  async append(record: LogRecord): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(record)}\n`);
  }

  /** Keep only records with `step <= step` (temp file + rename). A missing file becomes empty. */
  async truncateAfter(step: number): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const kept = parseJsonlLog(text, this.path).filter((r) => r.step <= step);
    await writeFileAtomic(this.path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Start a fresh log (atomically empties the file). */
  async reset(): Promise<void> {
    await writeFileAtomic(this.path, '');
  }
}
