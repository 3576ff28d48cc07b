export { ADAMW_KERNEL_NAME, AdamW, type AdamWOptions, type AdamWState, type EncoderLike } from './adamw.js';
export { type CheckpointContents, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export { type BertConfig, configFromHf, configToHf, type HiddenAct, makeConfig } from './config.js';
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
export {
  BertForCandidateScoring,
  BertForMaskedLM,
  BertForMultipleChoice,
  BertForSequenceClassification,
  BertForSpanClassification,
  crossEntropy,
  type HeadOptions,
  type Positions,
} from './heads.js';
export {
  BertModel,
  type EncoderInputs,
  EncoderModule,
  type EncoderOutput,
  type IntInput,
  type KeyValuePrefix,
  ParameterSet,
} from './model.js';
export { nodeIo, writeFileAtomic } from './node-io.js';
export { activation, bmm, dropout, layerNorm, linear } from './ops.js';
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
  readSafetensorsMetadata,
  type SafeTensor,
  type TensorLike,
  writeSafetensors,
} from './safetensors.js';
export { learningRateAt, type ScheduleKind, type ScheduleOptions } from './schedule.js';
export { sampleMaskedPositions, valueAndGrads } from './train-utils.js';
export { type LoadOptions, loadWeights } from './weights.js';
