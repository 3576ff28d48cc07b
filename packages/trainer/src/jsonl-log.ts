import { appendFile, open, stat } from 'node:fs/promises';
import { writeFileAtomic } from '@selfevo/utils/node';
import { TrainingLogError } from './errors.js';
import { JSONL_LOG_LIMITS, type JsonlLogReadOptions, parseJsonlLog } from './jsonl-log-parse.js';
import type { LogRecord } from './types.js';

export { JSONL_LOG_LIMITS, type JsonlLogReadOptions, parseJsonlLog } from './jsonl-log-parse.js';

/**
 * The bytes of a log file, bounded: a path that is no regular file (a folder, a FIFO, a device)
 * is refused before it is opened, a file over `maxBytes` before it is read. `null` if missing and
 * `missingOk`.
 */
async function readLogBytes(path: string, maxBytes: number, missingOk: boolean): Promise<Uint8Array | null> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new TrainingLogError(`${path}: not a regular file`, { file: path });
    size = st.size;
  } catch (err) {
    if (err instanceof TrainingLogError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && missingOk) return null;
    throw new TrainingLogError(`${path}: cannot be read (${(err as Error).message})`, {
      file: path,
      cause: err,
    });
  }
  if (size > maxBytes)
    throw new TrainingLogError(`${path}: ${size} bytes, over the ${maxBytes}-byte limit`, { file: path });
  const fh = await open(path, 'r');
  try {
    // at most the size seen (and one byte more, to notice a file still growing past the limit)
    const buf = new Uint8Array(Math.min(size, maxBytes) + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > maxBytes) throw new TrainingLogError(`${path}: over the ${maxBytes}-byte limit`, { file: path });
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

/** Read and parse a JSONL training log file (bounded: see {@link parseJsonlLog}). */
export async function readJsonlLog(path: string, opts: JsonlLogReadOptions = {}): Promise<LogRecord[]> {
  const bytes = await readLogBytes(path, opts.maxBytes ?? JSONL_LOG_LIMITS.maxBytes, false);
  return parseJsonlLog(bytes!, path, opts);
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
    const bytes = await readLogBytes(this.path, JSONL_LOG_LIMITS.maxBytes, true);
    const kept = bytes ? parseJsonlLog(bytes, this.path).filter((r) => r.step <= step) : [];
    await writeFileAtomic(this.path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Start a fresh log (atomically empties the file). */
  async reset(): Promise<void> {
    await writeFileAtomic(this.path, '');
  }
}
