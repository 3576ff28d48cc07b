import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface JsonlLine {
  /** 1-based line number. */
  line: number;
  text: string;
}

/**
 * Streams the lines of a (possibly large) text file. A final line without a trailing newline is
 * yielded like any other; `\r\n` endings and a leading BOM are accepted. Memory use is one line at a time.
 */
export async function* readLines(file: string): AsyncGenerator<JsonlLine> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      yield { line, text: line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
    }
  } finally {
    rl.close();
    stream.destroy();
  }
}
