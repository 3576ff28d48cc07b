export {
  type ArrayBatchSourceOptions,
  arrayBatchSource,
  type BatchSource,
  epochRng,
} from './batch-source.js';
export {
  checkpointDirName,
  checkpointsToDelete,
  latestCheckpoint,
  listCheckpoints,
  moveAsideDamaged,
  removeLeftovers,
} from './checkpoint-dirs.js';
export { computeGradients, type GradientResult } from './compute-gradients.js';
export {
  type DataParallelOptions,
  GradientWorkerPool,
  liveDataParallelWorkers,
} from './data-parallel-pool.js';
export type { CreateReplica, Replica } from './data-parallel-protocol.js';
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
export {
  JSONL_LOG_LIMITS,
  type JsonlLogReadOptions,
  JsonlLogWriter,
  parseJsonlLog,
  readJsonlLog,
} from './jsonl-log.js';
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
  createProgressReporter,
  formatLogLine,
  type ProgressMode,
  type ProgressReporter,
} from './progress.js';
export type { SkippedCheckpoint } from './resume.js';
export { type TrainerCallback, type TrainOptions, type TrainResult, train } from './train.js';
export type {
  EncoderLike,
  LogRecord,
  LossContext,
  LossFn,
  ParameterSelection,
  ScheduleOptions,
} from './types.js';
