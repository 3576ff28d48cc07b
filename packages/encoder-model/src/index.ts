export { AdamW, type AdamWOptions, type AdamWState, type EncoderLike } from './adamw.js';
export { type CheckpointContents, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export {
  CheckpointError,
  ConfigError,
  HubDownloadError,
  type LoadReport,
  MissingParametersError,
  SafetensorsFormatError,
  ShapeMismatchError,
} from './errors.js';
export { clipByGlobalNorm, GradientAccumulator } from './grad-utils.js';
export { SeededRandom } from './rng.js';
export {
  MAX_HEADER_BYTES,
  readSafetensors,
  readSafetensorsMetadata,
  type SafeTensor,
  type TensorLike,
  writeSafetensors,
} from './safetensors.js';
export { learningRateAt, type ScheduleKind, type ScheduleOptions } from './schedule.js';
