import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TrainerError } from '../errors.js';
import type { Progress } from './progress.js';

/**
 * Streams text files line by line and counts the words `split` produces. Memory stays bounded: when
 * more than `maxWordTypes` distinct words are held, words seen once are dropped (like SentencePiece's
 * pruning), so a rare word can be under-counted on huge corpora.
 */
export async function countWords(
  files: string[],
  split: (line: string) => string[],
  opts: { maxWordTypes?: number; keepNewlines?: boolean; progress: Progress },
): Promise<Map<string, number>> {
  if (files.length === 0) throw new TrainerError('training needs at least one file');
  const maxTypes = opts.maxWordTypes ?? 2_000_000;
  const counts = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const s = await stat(f).catch(() => null);
    if (s === null || !s.isFile()) throw new TrainerError(`training file not found: ${f}`);
    total += s.size;
  }
  opts.progress.start('Count words (bytes)', total);
  let done = 0;
  const feed = (line: string) => {
    for (const w of split(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
    if (counts.size > maxTypes) {
      for (const [w, c] of counts) if (c <= 1) counts.delete(w);
    }
  };
  for (const f of files) {
    const stream = createReadStream(f, { encoding: 'utf8', highWaterMark: 1 << 20 });
    let rest = '';
    for await (const chunk of stream) {
      done += Buffer.byteLength(chunk as string, 'utf8');
      const text = rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        feed(opts.keepNewlines ? text.slice(start, nl + 1) : text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      opts.progress.update(done);
    }
    if (rest.length > 0) feed(rest);
  }
  opts.progress.update(total);
  opts.progress.stop();
  return counts;
}
