import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TrainerError } from '../errors.js';
import type { Progress } from '../trainers/progress.js';
import { WordCounter } from '../trainers/word-counter.js';

/**
 * Streams text files line by line and counts the words `split` produces (see `WordCounter`: memory
 * bounded by `maxWordTypes`). Progress counts bytes.
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
    for await (const chunk of createReadStream(f, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      done += Buffer.byteLength(chunk as string, 'utf8');
      counter.addChunk(chunk as string, keepNewlines);
      opts.progress.update(done);
    }
    counter.end();
  }
  opts.progress.update(total);
  opts.progress.stop();
  return counter.counts;
}
