export { type AddedToken, AddedVocabulary } from './added-vocabulary.js';
export * from './decoders/index.js';
export type { Encoding } from './encoding.js';
export * from './errors.js';
export * from './models/index.js';
export { NormalizedString } from './normalized-string.js';
export * from './normalizers/index.js';
export * from './post-processors/index.js';
export * from './pre-tokenizers/index.js';
export {
  type EncodeOptions,
  gpt2Json,
  parseVocabTxt,
  Tokenizer,
  type TruncationStrategy,
} from './tokenizer.js';
export * from './trainers/index.js';
