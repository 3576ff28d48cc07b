import { TrainerError } from '../errors.js';
import type { Tokenizer } from '../tokenizer.js';
import {
  type BpeTrainOptions,
  bpeBase,
  bpeFromCounts,
  type WordPieceTrainOptions,
  wordPieceBase,
  wordPieceFromCounts,
  wordSplitter,
} from '../trainers/train.js';
import { countWords } from './count-words.js';
import { nodeProgress } from './progress-display.js';

function checkFiles(files: string[]): void {
  if (!Array.isArray(files) || files.length === 0)
    throw new TrainerError('training needs a non-empty list of files');
}

/**
 * Train a WordPiece vocabulary (HF WordPieceTrainer: BPE merges with a '##' continuation prefix) on
 * text files, streamed line by line. Returns a ready BERT-style tokenizer.
 */
export async function trainWordPiece(files: string[], opts: WordPieceTrainOptions = {}): Promise<Tokenizer> {
  checkFiles(files);
  const base = wordPieceBase(opts);
  const progress = nodeProgress(opts.progress);
  const counts = await countWords(files, wordSplitter(base), { maxWordTypes: opts.maxWordTypes, progress });
  return wordPieceFromCounts(counts, base, opts, progress);
}

/** Train a BPE vocabulary + merges (HF BpeTrainer) on text files, GPT-2 byte-level by default. */
export async function trainBpe(files: string[], opts: BpeTrainOptions = {}): Promise<Tokenizer> {
  checkFiles(files);
  const base = bpeBase(opts);
  const progress = nodeProgress(opts.progress);
  const counts = await countWords(files, wordSplitter(base), {
    maxWordTypes: opts.maxWordTypes,
    keepNewlines: true,
    progress,
  });
  return bpeFromCounts(counts, base, opts, progress);
}
