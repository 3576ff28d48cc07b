// Lines of a file on disk (Node only): the splitting itself is `linesOf` (browser-safe).
import { createReadStream } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES, type JsonlLine, linesOf } from './jsonl-lines.js';

/** Streams the lines of a (possibly large) text file, one line in memory at a time (see `linesOf`). */
export async function* readLines(
  file: string,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<JsonlLine> {
  yield* linesOf(
    createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>,
    maxLineBytes,
  );
}
