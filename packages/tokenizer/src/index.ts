// Public API of @selfevo/tokenizer: browser-safe (no Node built-ins). Files and streams:
// `@selfevo/tokenizer/node` (./node/index.ts).

export { type AddedToken, AddedVocabulary } from './added-vocabulary.js';
export { BERT_SPECIAL_TOKENS, type BertVocabOptions, bertTemplate } from './bert-preset.js';
export {
  BpeDecoder,
  ByteFallbackDecoder,
  ByteLevelDecoder,
  cleanupSpaces,
  type Decoder,
  decoderFromJSON,
  decodeTokens,
  FuseDecoder,
  MetaspaceDecoder,
  ReplaceDecoder,
  SequenceDecoder,
  StripDecoder,
  WordPieceDecoder,
} from './decoders/index.js';
export type { EncodeOptions, TruncationStrategy } from './encode-options.js';
export type { Encoding } from './encoding.js';
export {
  PaddingError,
  TokenizerConfigError,
  TokenizerError,
  TrainerError,
  TruncationError,
  VocabFormatError,
} from './errors.js';
export {
  BPE,
  type BpeOptions,
  type Model,
  modelFromJSON,
  parseMergesTxt,
  Unigram,
  WordLevel,
  WordPiece,
  type WordPieceOptions,
  type WordTokens,
} from './models/index.js';
export { NormalizedString } from './normalized-string.js';
export {
  BertNormalizer,
  type BertNormalizerOptions,
  LowercaseNormalizer,
  type Normalizer,
  normalizerFromJSON,
  type PatternSpec,
  PrependNormalizer,
  ReplaceNormalizer,
  SequenceNormalizer,
  StripAccentsNormalizer,
  StripNormalizer,
  UnicodeNormalizer,
} from './normalizers/index.js';
export {
  BertProcessing,
  ByteLevelProcessing,
  type PostProcessor,
  postProcessorFromJSON,
  RobertaProcessing,
  type TemplatePiece,
  TemplateProcessing,
  type TemplateSpecialToken,
} from './post-processors/index.js';
export {
  BertPreTokenizer,
  ByteLevelPreTokenizer,
  bytesToUnicode,
  CharDelimiterSplitPreTokenizer,
  DigitsPreTokenizer,
  MetaspacePreTokenizer,
  type PrependScheme,
  type PreTokenizer,
  PunctuationPreTokenizer,
  preTokenizerFromJSON,
  SequencePreTokenizer,
  type SplitBehavior,
  SplitPreTokenizer,
  WhitespacePreTokenizer,
  WhitespaceSplitPreTokenizer,
} from './pre-tokenizers/index.js';
export { Tokenizer } from './tokenizer.js';
export {
  type BpeTrainOptions,
  type Progress,
  type ProgressOption,
  type TrainingTexts,
  type TrainOptions,
  trainBpe,
  trainBpeFromIterator,
  trainBpeModel,
  trainWordPiece,
  trainWordPieceFromIterator,
  WordCounter,
  type WordPieceTrainOptions,
} from './trainers/index.js';
export { gpt2Json, parseVocabJson, parseVocabTxt } from './vocab-files.js';
