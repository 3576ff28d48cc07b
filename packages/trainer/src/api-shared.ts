// What both builds export unchanged (no file system, no threads): ./index.ts (Node) and
// ./browser.ts (browsers) re-export this and add their platform's `train` and file functions.
export {
  type ArrayBatchSourceOptions,
  arrayBatchSource,
  type BatchSource,
  epochRng,
} from './batch-source.js';
export { checkpointDirName, checkpointsToDelete, storedCheckpointName } from './checkpoint-names.js';
export {
  type CheckpointStore,
  IndexedDbCheckpointStore,
  type IndexedDbStoreOptions,
  MemoryCheckpointStore,
} from './checkpoint-store.js';
export { computeGradients, type GradientResult } from './compute-gradients.js';
export type { CreateReplica, DataParallelOptions, Replica } from './data-parallel-protocol.js';
export { type BestMetricOptions, type BestMetricState, BestMetricTracker } from './early-stopping.js';
export {
  DataParallelWorkerError,
  NonFiniteLossError,
  ResumeError,
  TrainerConfigError,
  type TrainerConfigErrorDetails,
  TrainerError,
  TrainingLogError,
} from './errors.js';
export { JSONL_LOG_LIMITS, type JsonlLogReadOptions, parseJsonlLog } from './jsonl-log-parse.js';
export { microBatchRng, modelRng } from './micro-batch-rng.js';
export {
  ADAMW_OPTIONS_SCHEMA,
  ARRAY_BATCH_SOURCE_SCHEMA,
  SCHEDULE_SCHEMA,
  TRAIN_OPTIONS_SCHEMA,
  TRAINER_LIMITS,
  validateArrayBatchSource,
  validateTrainOptions,
} from './options-schema.js';
export {
  formatLogLine,
  type ProgressMode,
  type ProgressReporter,
  type ProgressStream,
} from './progress.js';
export type { SkippedCheckpoint } from './resume-core.js';
export {
  type DecodedCheckpoint,
  decodeStoredCheckpoint,
  encodeStoredCheckpoint,
  type StoredCheckpointContents,
} from './stored-checkpoint.js';
export type { TrainerCallback, TrainOptions, TrainResult } from './train-options.js';
export type {
  EncoderLike,
  LogRecord,
  LossContext,
  LossFn,
  ParameterSelection,
  ScheduleOptions,
} from './types.js';
