import { BERT_SPECIAL_TOKENS, bertTemplate } from '../bert-preset.js';
import { ByteLevelDecoder, WordPieceDecoder } from '../decoders/index.js';
import { TrainerError } from '../errors.js';
import { BPE } from '../models/bpe.js';
import { WordPiece } from '../models/wordpiece.js';
import { importNodeEntry } from '../node-bridge.js';
import { NormalizedString } from '../normalized-string.js';
import { BertNormalizer } from '../normalizers/bert-normalizer.js';
import { ByteLevelProcessing } from '../post-processors/byte-level-processing.js';
import { BertPreTokenizer } from '../pre-tokenizers/bert-pre-tokenizer.js';
import { BYTE_TO_CHAR, ByteLevelPreTokenizer } from '../pre-tokenizers/byte-level.js';
import { Tokenizer } from '../tokenizer.js';
import { trainBpeModel } from './bpe-trainer.js';
import { makeProgress, type Progress, type ProgressOption } from './progress.js';
import { WordCounter } from './word-counter.js';

export interface TrainOptions {
  /** Final vocab size including special tokens (HF default 30000). */
  vocabSize?: number;
  /** Pairs seen fewer times are never merged (default 0). */
  minFrequency?: number;
  /** Added first, with ids 0.. in order. */
  specialTokens?: string[];
  /** Keep at most this many distinct characters (the most frequent ones). */
  limitAlphabet?: number;
  /** Characters always in the alphabet. */
  initialAlphabet?: string[];
  maxTokenLength?: number;
  /**
   * Progress: false, a line sink `(line) => void`, or a `Progress`. 'auto' (default) / true: from
   * files in Node a bar on a TTY and plain lines on stderr otherwise; from an iterator nothing.
   */
  progress?: ProgressOption;
  /** Bound on distinct words held while counting (default 2,000,000); see `WordCounter`. */
  maxWordTypes?: number;
  /**
   * Tokenizer whose normalizer and pre-tokenizer split the training text (default: BERT's for
   * WordPiece, GPT-2 byte-level for BPE). Its model is replaced.
   */
  base?: Tokenizer;
}

export interface WordPieceTrainOptions extends TrainOptions {
  lowercase?: boolean;
  stripAccents?: boolean;
  continuingSubwordPrefix?: string;
  unkToken?: string;
}

export interface BpeTrainOptions extends TrainOptions {
  /** GPT-2 byte-level BPE (default true): ByteLevel pre-tokenizer and decoder, 256-byte initial alphabet. */
  byteLevel?: boolean;
  continuingSubwordPrefix?: string;
  endOfWordSuffix?: string;
  unkToken?: string;
}

/** Texts to train on, each one sequence (HF `train_from_iterator`). */
export type TrainingTexts = Iterable<string> | AsyncIterable<string>;

/** Normalize + pre-tokenize a text into words, as HF trainers do (no added-token extraction). */
export function wordSplitter(t: Tokenizer): (text: string) => string[] {
  return (text) => {
    const ns = NormalizedString.from(text);
    t.normalizer?.normalize(ns);
    const words = t.preTokenizer === null ? [ns] : t.preTokenizer.split(ns);
    const out: string[] = [];
    for (const w of words) if (w.length > 0) out.push(w.normalized);
    return out;
  };
}

/** The tokenizer that splits WordPiece training text: `opts.base`, else BERT's normalizer + pre-tokenizer. */
export function wordPieceBase(opts: WordPieceTrainOptions): Tokenizer {
  return (
    opts.base ??
    new Tokenizer(
      new WordPiece(new Map([[opts.unkToken ?? '[UNK]', 0]])),
      new BertNormalizer({ lowercase: opts.lowercase ?? true, stripAccents: opts.stripAccents ?? null }),
      new BertPreTokenizer(),
    )
  );
}

/** The tokenizer that splits BPE training text: `opts.base`, else byte-level (or BERT's) pre-tokenizer. */
export function bpeBase(opts: BpeTrainOptions): Tokenizer {
  if (opts.base) return opts.base;
  const pre =
    (opts.byteLevel ?? true) ? new ByteLevelPreTokenizer(false, true, true) : new BertPreTokenizer();
  return new Tokenizer(new BPE(new Map(), []), null, pre);
}

/**
 * HF WordPieceTrainer on counted words (BPE merges with a '##' continuation prefix): a ready BERT-style
 * tokenizer with `base`'s normalizer and pre-tokenizer.
 */
export function wordPieceFromCounts(
  counts: Map<string, number>,
  base: Tokenizer,
  opts: WordPieceTrainOptions,
  progress: Progress,
): Tokenizer {
  const prefix = opts.continuingSubwordPrefix ?? '##';
  const specials = opts.specialTokens ?? [...BERT_SPECIAL_TOKENS];
  const trained = trainBpeModel(
    counts,
    {
      vocabSize: opts.vocabSize ?? 30000,
      minFrequency: opts.minFrequency ?? 0,
      specialTokens: specials,
      limitAlphabet: opts.limitAlphabet,
      initialAlphabet: opts.initialAlphabet ?? [],
      continuingSubwordPrefix: prefix,
      maxTokenLength: opts.maxTokenLength,
    },
    progress,
  );
  const model = new WordPiece(trained.vocab, {
    unkToken: opts.unkToken ?? '[UNK]',
    continuingSubwordPrefix: prefix,
    maxInputCharsPerWord: 100,
  });
  const cls = trained.vocab.get('[CLS]');
  const sep = trained.vocab.get('[SEP]');
  const post =
    opts.base?.postProcessor ?? (cls !== undefined && sep !== undefined ? bertTemplate(cls, sep) : null);
  const tok = new Tokenizer(
    model,
    base.normalizer,
    base.preTokenizer,
    post,
    new WordPieceDecoder(prefix, true),
  );
  tok.addSpecialTokens(specials);
  return tok;
}

/** HF BpeTrainer on counted words (GPT-2 byte-level by default). */
export function bpeFromCounts(
  counts: Map<string, number>,
  base: Tokenizer,
  opts: BpeTrainOptions,
  progress: Progress,
): Tokenizer {
  const byteLevel = opts.byteLevel ?? true;
  const specials = opts.specialTokens ?? [];
  const trained = trainBpeModel(
    counts,
    {
      vocabSize: opts.vocabSize ?? 30000,
      minFrequency: opts.minFrequency ?? 0,
      specialTokens: specials,
      limitAlphabet: opts.limitAlphabet,
      initialAlphabet: opts.initialAlphabet ?? (byteLevel ? BYTE_TO_CHAR.slice() : []),
      continuingSubwordPrefix: opts.continuingSubwordPrefix,
      endOfWordSuffix: opts.endOfWordSuffix,
      maxTokenLength: opts.maxTokenLength,
    },
    progress,
  );
  const model = new BPE(trained.vocab, trained.merges, {
    unkToken: opts.unkToken ?? null,
    continuingSubwordPrefix: opts.continuingSubwordPrefix ?? null,
    endOfWordSuffix: opts.endOfWordSuffix ?? null,
  });
  const tok = new Tokenizer(
    model,
    base.normalizer,
    base.preTokenizer,
    opts.base?.postProcessor ?? (byteLevel ? new ByteLevelProcessing(true, false, true) : null),
    opts.base?.decoder ?? (byteLevel ? new ByteLevelDecoder() : null),
  );
  tok.addSpecialTokens(specials);
  return tok;
}

/** Count the words of every text (progress per text when the number of texts is known). */
async function countTexts(
  texts: TrainingTexts,
  split: (text: string) => string[],
  maxWordTypes: number | undefined,
  progress: Progress,
): Promise<Map<string, number>> {
  const counter = new WordCounter(split, maxWordTypes);
  const total = Array.isArray(texts) ? texts.length : undefined;
  if (total !== undefined) progress.start('Count words (texts)', total);
  let n = 0;
  for await (const text of texts) {
    if (typeof text !== 'string') throw new TrainerError(`training text ${n} is not a string`);
    counter.add(text);
    if (total !== undefined) progress.update(++n);
    else n++;
  }
  if (total !== undefined) progress.stop();
  if (n === 0) throw new TrainerError('training needs at least one text');
  return counter.counts;
}

/**
 * Train a WordPiece vocabulary on texts in memory or streamed (any runtime; HF
 * `train_from_iterator`): each item is one text. Returns a ready BERT-style tokenizer.
 */
export async function trainWordPieceFromIterator(
  texts: TrainingTexts,
  opts: WordPieceTrainOptions = {},
): Promise<Tokenizer> {
  const base = wordPieceBase(opts);
  const progress = makeProgress(opts.progress);
  const counts = await countTexts(texts, wordSplitter(base), opts.maxWordTypes, progress);
  return wordPieceFromCounts(counts, base, opts, progress);
}

/** Train a BPE vocabulary + merges on texts in memory or streamed (any runtime), byte-level by default. */
export async function trainBpeFromIterator(
  texts: TrainingTexts,
  opts: BpeTrainOptions = {},
): Promise<Tokenizer> {
  const base = bpeBase(opts);
  const progress = makeProgress(opts.progress);
  const counts = await countTexts(texts, wordSplitter(base), opts.maxWordTypes, progress);
  return bpeFromCounts(counts, base, opts, progress);
}

/** What the file-based trainers below call in `@selfevo/tokenizer/node` (./node/index.ts). */
export interface NodeTrainers {
  trainWordPiece(files: string[], opts?: WordPieceTrainOptions): Promise<Tokenizer>;
  trainBpe(files: string[], opts?: BpeTrainOptions): Promise<Tokenizer>;
}

const nodeTrainers = (what: string) => importNodeEntry(what) as Promise<NodeTrainers>;

/**
 * Train a WordPiece vocabulary on text files, streamed line by line. Node only: `trainWordPiece` of
 * `@selfevo/tokenizer/node`, loaded on demand (in a browser use `trainWordPieceFromIterator`).
 */
export async function trainWordPiece(files: string[], opts: WordPieceTrainOptions = {}): Promise<Tokenizer> {
  return (await nodeTrainers('trainWordPiece')).trainWordPiece(files, opts);
}

/** Train a BPE vocabulary on text files. Node only: `trainBpe` of `@selfevo/tokenizer/node`. */
export async function trainBpe(files: string[], opts: BpeTrainOptions = {}): Promise<Tokenizer> {
  return (await nodeTrainers('trainBpe')).trainBpe(files, opts);
}
