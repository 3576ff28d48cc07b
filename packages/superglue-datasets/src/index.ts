// Main entry: browser-safe (no Node built-ins; `npm run check:browser`): splits from text, bytes,
// Files or URLs (`loadSplitFrom`), formulations, batching. Files on disk, the data folder and the
// official downloads are in the Node entry `@selfevo/superglue-datasets/node`.
// The SuperGLUE schema (task names, splits, label order) from @selfevo/superglue-tasks, re-exported
// so that readers of this package need one import.
export {
  AXB_LABELS,
  AXG_LABELS,
  BOOLQ_LABELS,
  CB_LABELS,
  type CbLabel,
  COPA_LABELS,
  DIAGNOSTIC_TASKS,
  type DiagnosticTaskName,
  isDiagnostic,
  isLabelledSplit,
  isTaskName,
  LABELS,
  type LabelValue,
  labelIndex,
  labelName,
  MULTIRC_LABELS,
  type NliLabel,
  parseTaskName,
  RTE_LABELS,
  SCORED_TASKS,
  type ScoredTaskName,
  SPLITS,
  type Split,
  splitsOf,
  TASKS,
  type TaskName,
  UnknownLabelError,
  UnknownSplitError,
  UnknownTaskError,
  WIC_LABELS,
  WSC_LABELS,
  ZipFormatError,
  ZipLimitError,
  type ZipLimits,
} from '@selfevo/superglue-tasks';
export type { Batch, BatchOptions, CollateOptions, EncodedInput } from './batching.js';
export { batchIterator, collate, makeBatches, planBatches } from './batching.js';
export { checkContentStart, type ExpectedContent } from './content-check.js';
export type { FormatLocation } from './errors.js';
export {
  CachePathError,
  ChecksumMismatchError,
  DatasetOptionError,
  DownloadError,
  MissingDataError,
  SpanAlignmentError,
  SuperGlueDatasetsError,
  SuperGlueFormatError,
  UnexpectedContentError,
  UnknownChecksumError,
  UnsafeZipEntryError,
} from './errors.js';
export { formulate, formulateOne, formulateStream } from './formulate.js';
export { copaConnective, copaContext, formulateCopa } from './formulate-copa.js';
export { formulateMultiRc } from './formulate-multirc.js';
export { DEFAULT_MAX_LENGTH, formulatePair, pairTexts } from './formulate-pair.js';
export type { RecordCandidate } from './formulate-record.js';
export {
  DEFAULT_RECORD_STRIDE,
  fillPlaceholder,
  formulateRecord,
  recordCandidates,
} from './formulate-record.js';
export { formulateWic } from './formulate-wic.js';
export { formulateWsc } from './formulate-wsc.js';
export type {
  CopaExample,
  FormulatedBase,
  FormulatedExample,
  FormulateOptions,
  MultiRcExample,
  PairExample,
  RecordExample,
  TaskExampleMap,
  WicExample,
  WscAlignment,
  WscExample,
} from './formulated-example.js';
export {
  archiveName,
  OFFICIAL_BASE_URL,
  OFFICIAL_FILE_SHA256,
  OFFICIAL_ZIP_SHA256,
} from './official-archives.js';
export type { MultiRcPrediction, OfficialPrediction } from './official-predictions.js';
export {
  classPredictions,
  copaPredictions,
  multiRcPredictions,
  recordPredictions,
} from './official-predictions.js';
export { mulberry32, shuffled } from './seeded-shuffle.js';
export {
  emptyReport,
  type LoadedSplit,
  type LoadReport,
  loadSplitFrom,
  type ReadOptions,
  type SkippedLine,
  type SourceReadOptions,
  type SplitStream,
  streamSplitFrom,
  type TaskSource,
} from './task-records.js';
export {
  charSpanToTokens,
  inputsOf,
  sequenceCharRange,
  tokenSequenceIds,
  tokensToCharSpan,
} from './token-spans.js';
export type { EncodeOptionsLike, EncodingLike, TokenizerLike, Truncation } from './tokenizer-contract.js';
export type {
  AxBRecord,
  AxGRecord,
  BoolQRecord,
  CbRecord,
  CopaRecord,
  MultiRcAnswer,
  MultiRcQuestion,
  MultiRcRecord,
  RecordAnswer,
  RecordEntitySpan,
  RecordQuery,
  RecordRecord,
  RteRecord,
  TaskRecord,
  TaskRecordMap,
  WicRecord,
  WscRecord,
} from './types.js';
export type { WscCharSpan } from './wsc-spans.js';
export { wscCharSpan } from './wsc-spans.js';
