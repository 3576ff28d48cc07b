// Public API of @selfevo/tokenizer: browser-safe (no Node built-ins). Files and streams:
// `@selfevo/tokenizer/node` (./node/index.ts).

export { type AddedToken, AddedVocabulary } from './added-vocabulary.js';
export { BERT_SPECIAL_TOKENS, type BertVocabOptions, bertTemplate } from './bert-preset.js';
export { MAX_NESTING, MAX_TOKEN_ID } from './config-schema.js';
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
export {
  type EncodeOptions,
  MAX_LENGTH,
  MAX_PAD_TOKENS,
  MAX_WINDOW_TOKENS,
  type TruncationStrategy,
} from './encode-options.js';
export type { Encoding } from './encoding.js';
export {
  PaddingError,
  PatternBudgetError,
  TextDecodeError,
  TokenizerConfigError,
  TokenizerError,
  TokenizerInputError,
  TrainerError,
  TruncationError,
  UnsafePatternError,
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
export { parseSpecialTokensMap, parseTokenizerConfig } from './pretrained-config.js';
export {
  analyzeRegex,
  GuardedRegex,
  MAX_PATTERN_LENGTH,
  REGEX_STEP_BUDGET,
  type RegexCost,
} from './regex-safety/index.js';
export { type SpecialTokenNames, Tokenizer } from './tokenizer.js';
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
export { decodeUtf8, firstInvalidUtf8, Utf8StreamDecoder } from './utf8.js';
export { gpt2Json, parseVocabJson, parseVocabTxt } from './vocab-files.js';
