import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TrainerError } from '../errors.js';
import type { Progress } from '../trainers/progress.js';
import { WordCounter } from '../trainers/word-counter.js';
import { Utf8StreamDecoder } from '../utf8.js';

/**
 * Streams text files line by line and counts the words `split` produces (see `WordCounter`: memory
 * bounded by `maxWordTypes`). Progress counts bytes. Files must be UTF-8 (a leading BOM is dropped).
 */
export async function countWords(
  files: string[],
  split: (line: string) => string[],
  opts: { maxWordTypes?: number; keepNewlines?: boolean; progress: Progress },
): Promise<Map<string, number>> {
  if (files.length === 0) throw new TrainerError('training needs at least one file');
  let total = 0;
  for (const f of files) {
    const s = await stat(f).catch(() => null);
    if (s === null || !s.isFile()) throw new TrainerError(`training file not found: ${f}`);
    total += s.size;
  }
  const counter = new WordCounter(split, opts.maxWordTypes);
  const keepNewlines = opts.keepNewlines ?? false;
  opts.progress.start('Count words (bytes)', total);
  let done = 0;
  for (const f of files) {
    // strict UTF-8 (a leading BOM dropped): invalid bytes are a TextDecodeError naming the file and offset
    const decoder = new Utf8StreamDecoder(f);
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) {
      done += (chunk as Buffer).length;
      counter.addChunk(decoder.write(chunk as Buffer), keepNewlines);
      opts.progress.update(done);
    }
    counter.addChunk(decoder.end(), keepNewlines);
    counter.end();
  }
  opts.progress.update(total);
  opts.progress.stop();
  return counter.counts;
}
