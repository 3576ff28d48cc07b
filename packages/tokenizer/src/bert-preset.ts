import type { AddedToken } from './added-vocabulary.js';
import { WordPieceDecoder } from './decoders/wordpiece-decoder.js';
import { VocabFormatError } from './errors.js';
import { WordPiece } from './models/wordpiece.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { TemplateProcessing } from './post-processors/template-processing.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';

/** BERT's special tokens, in the order of bert-base-uncased's ids 0.. of a trained vocab. */
export const BERT_SPECIAL_TOKENS: readonly string[] = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

export interface BertVocabOptions {
  /** Default true (uncased models). */
  lowercase?: boolean;
  /** Default: follow `lowercase`, as HF does. */
  stripAccents?: boolean;
  /** Default true. */
  handleChineseChars?: boolean;
}

/** `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]` with type ids 0 / 1. */
export function bertTemplate(cls: number, sep: number): TemplateProcessing {
  return new TemplateProcessing('[CLS]:0 $A:0 [SEP]:0', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', {
    '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
    '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
  });
}

/** The components of a BERT tokenizer over `vocab`, and its special tokens as added tokens. */
export function bertParts(vocab: Map<string, number>, opts: BertVocabOptions = {}) {
  const cls = vocab.get('[CLS]');
  const sep = vocab.get('[SEP]');
  if (cls === undefined || sep === undefined)
    throw new VocabFormatError('BERT vocab needs [CLS] and [SEP] tokens');
  if (!vocab.has('[UNK]')) throw new VocabFormatError('BERT vocab needs an [UNK] token');
  const addedTokens: AddedToken[] = [];
  for (const content of BERT_SPECIAL_TOKENS) {
    const id = vocab.get(content);
    if (id !== undefined)
      addedTokens.push({
        id,
        content,
        singleWord: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      });
  }
  return {
    model: new WordPiece(vocab, {
      unkToken: '[UNK]',
      continuingSubwordPrefix: '##',
      maxInputCharsPerWord: 100,
    }),
    normalizer: new BertNormalizer({
      cleanText: true,
      handleChineseChars: opts.handleChineseChars ?? true,
      stripAccents: opts.stripAccents ?? null,
      lowercase: opts.lowercase ?? true,
    }),
    preTokenizer: new BertPreTokenizer(),
    postProcessor: bertTemplate(cls, sep),
    decoder: new WordPieceDecoder('##', true),
    addedTokens,
  };
}
