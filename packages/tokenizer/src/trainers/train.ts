import { ByteLevelDecoder, WordPieceDecoder } from '../decoders/index.js';
import { TrainerError } from '../errors.js';
import { BPE } from '../models/bpe.js';
import { WordPiece } from '../models/wordpiece.js';
import { NormalizedString } from '../normalized-string.js';
import { BertNormalizer } from '../normalizers/bert-normalizer.js';
import { ByteLevelProcessing } from '../post-processors/byte-level-processing.js';
import { TemplateProcessing } from '../post-processors/template-processing.js';
import { BertPreTokenizer } from '../pre-tokenizers/bert-pre-tokenizer.js';
import { BYTE_TO_CHAR, ByteLevelPreTokenizer } from '../pre-tokenizers/byte-level.js';
import { Tokenizer } from '../tokenizer.js';
import { trainBpeModel } from './bpe-trainer.js';
import { makeProgress, type ProgressOption } from './progress.js';
import { countWords } from './word-counter.js';

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
  /** Progress: 'auto' (default: bar on a TTY, plain lines on stderr otherwise), false, or a line sink. */
  progress?: ProgressOption;
  /** Bound on distinct words held while counting (default 2,000,000); see countWords. */
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

/** Normalize + pre-tokenize a line into words, as HF trainers do (no added-token extraction). */
function wordSplitter(t: Tokenizer): (line: string) => string[] {
  return (line) => {
    const ns = NormalizedString.from(line);
    t.normalizer?.normalize(ns);
    const words = t.preTokenizer === null ? [ns] : t.preTokenizer.split(ns);
    const out: string[] = [];
    for (const w of words) if (w.length > 0) out.push(w.normalized);
    return out;
  };
}

function checkFiles(files: string[]): void {
  if (!Array.isArray(files) || files.length === 0)
    throw new TrainerError('training needs a non-empty list of files');
}

/**
 * Train a WordPiece vocabulary (HF WordPieceTrainer: BPE merges with a '##' continuation prefix).
 * Streams the files; returns a ready BERT-style tokenizer.
 */
export async function trainWordPiece(files: string[], opts: WordPieceTrainOptions = {}): Promise<Tokenizer> {
  checkFiles(files);
  const prefix = opts.continuingSubwordPrefix ?? '##';
  const unk = opts.unkToken ?? '[UNK]';
  const specials = opts.specialTokens ?? ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const base =
    opts.base ??
    new Tokenizer(
      new WordPiece(new Map([[unk, 0]])),
      new BertNormalizer({ lowercase: opts.lowercase ?? true, stripAccents: opts.stripAccents ?? null }),
      new BertPreTokenizer(),
    );
  const progress = makeProgress(opts.progress);
  const counts = await countWords(files, wordSplitter(base), { maxWordTypes: opts.maxWordTypes, progress });
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
    unkToken: unk,
    continuingSubwordPrefix: prefix,
    maxInputCharsPerWord: 100,
  });
  const cls = trained.vocab.get('[CLS]');
  const sep = trained.vocab.get('[SEP]');
  const post =
    opts.base?.postProcessor ??
    (cls !== undefined && sep !== undefined
      ? new TemplateProcessing('[CLS]:0 $A:0 [SEP]:0', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', {
          '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
        })
      : null);
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

/** Train a BPE vocabulary + merges (HF BpeTrainer), GPT-2 byte-level by default. */
export async function trainBpe(files: string[], opts: BpeTrainOptions = {}): Promise<Tokenizer> {
  checkFiles(files);
  const byteLevel = opts.byteLevel ?? true;
  const specials = opts.specialTokens ?? [];
  const base =
    opts.base ??
    (byteLevel
      ? new Tokenizer(new BPE(new Map(), []), null, new ByteLevelPreTokenizer(false, true, true))
      : new Tokenizer(new BPE(new Map(), []), null, new BertPreTokenizer()));
  const progress = makeProgress(opts.progress);
  const counts = await countWords(files, wordSplitter(base), {
    maxWordTypes: opts.maxWordTypes,
    keepNewlines: true,
    progress,
  });
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
