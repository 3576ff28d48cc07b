export {
  ADAMW_KERNEL_NAME,
  AdamW,
  type AdamWOptions,
  type AdamWParameterGroup,
  type AdamWState,
  type EncoderLike,
} from './adamw.js';
export {
  applyCheckpoint,
  CHECKPOINT_FORMAT,
  type CheckpointContents,
  type CheckpointData,
  loadCheckpoint,
  MAX_CHECKPOINT_STATE_BYTES,
  readCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
export {
  type BertConfig,
  CONFIG_LIMITS,
  configFromHf,
  configParameterCount,
  configToHf,
  type HiddenAct,
  type ModelSizes,
  makeConfig,
} from './config.js';
export type { EncoderInputs, EncoderOutput } from './encoder-inputs.js';
export { EncoderModule } from './encoder-module.js';
export {
  CheckpointError,
  ConfigError,
  type ConfigErrorDetails,
  EncoderModelError,
  HubDownloadError,
  InvalidInputError,
  type LoadReport,
  MissingParametersError,
  SafetensorsFormatError,
  ShapeMismatchError,
} from './errors.js';
export {
  FUSED_KERNEL_NAMES,
  FUSED_KERNELS_FLAG,
  type FusedKernel,
  hasFusedKernel,
  setFusedKernels,
} from './fused-kernels.js';
export { clipByGlobalNorm, clipCoefficient, GradientAccumulator, squaredGlobalNorm } from './grad-utils.js';
export { HeadModel, type HeadOptions } from './head-model.js';
export {
  BertForCandidateScoring,
  BertForMaskedLM,
  BertForMultipleChoice,
  BertForSequenceClassification,
  BertForSpanClassification,
  type MaskedLmForwardOptions,
  type Positions,
} from './heads.js';
export { checkForwardSize, FORWARD_LIMITS } from './input-limits.js';
export type { IntInput } from './int-input.js';
export type { KeyValuePrefix } from './key-value-prefix.js';
export { BertModel } from './model.js';
export {
  type NodeFs,
  type NodePath,
  nodeIo,
  resolveAtomicDir,
  writeDirAtomic,
  writeFileAtomic,
} from './node-io.js';
export { activation, addLayerNorm, bmm, dropout, layerNorm, linear, maskedSoftmax } from './ops.js';
export { ParameterModule } from './parameter-module.js';
export { type Dense, type Init, type Norm, ParameterSet } from './parameter-set.js';
export { checkParity, type ParityExpected, type ParityInputs } from './parity.js';
export {
  type DownloadProgress,
  fromPretrained,
  type ModelClass,
  modelFromWeights,
  type PretrainedOptions,
  type ResolvedPretrained,
  resolvePretrained,
  savePretrained,
  TOKENIZER_FILES,
} from './pretrained.js';
export { SeededRandom } from './rng.js';
export {
  MAX_HEADER_BYTES,
  readSafetensors,
  readSafetensorsHeader,
  readSafetensorsMetadata,
  type SafeTensor,
  type SafetensorsHeader,
  type TensorLike,
  type WriteOptions as SafetensorsWriteOptions,
  writeSafetensors,
} from './safetensors.js';
export { learningRateAt, type ScheduleKind, type ScheduleOptions } from './schedule.js';
export {
  GradientNotRegisteredError,
  noGrad,
  sampleMaskedPositions,
  valueAndGrads,
  valueAndGradsTensor,
} from './train-utils.js';
export { type LoadOptions, loadWeights } from './weights.js';
