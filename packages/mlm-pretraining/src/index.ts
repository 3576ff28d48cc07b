export {
  batchMaskSeed,
  countMaskedTokens,
  type PretrainingBatch,
  type PretrainingBatchOptions,
  pretrainingBatchSource,
} from './batches.js';
export {
  type CorpusReadOptions,
  loadPacked,
  maskingIds,
  type PackCorpusOptions,
  type PretrainingTokenizer,
  packCorpus,
  readCorpusLines,
  savePacked,
  specialIds,
} from './corpus.js';
export { MlmPretrainingError, PretrainingConfigError } from './errors.js';
export {
  buildHeldOutSet,
  evaluateHeldOut,
  type HeldOutOptions,
  type HeldOutSet,
  type MaskingIds,
} from './held-out.js';
export {
  attentionMaskOf,
  type PackedSequences,
  type PackingOptions,
  type PackingReport,
  packTokenStream,
  SequencePacker,
  sliceSequences,
} from './packing.js';
export {
  type PretrainingRunOptions,
  type PretrainingRunResult,
  pretrainingLoss,
  runPretraining,
} from './runner.js';
export { type ScoreSelectionsOptions, scoreSelections } from './stage1.js';
export {
  buildCorpusVocab,
  type CorpusVocabOptions,
  type CorpusVocabReport,
  loadOrBuildTokenizer,
  saveVocabTxt,
} from './vocab.js';
