export {
  type BackboneFingerprint,
  backboneFingerprint,
  type LoadedPrompt,
  type LoadPromptOptions,
  loadPrompt,
  PROMPT_CONFIG_FILE,
  PROMPT_FORMAT,
  PROMPT_WEIGHTS_FILE,
  type PromptMetadata,
  type SavePromptOptions,
  savePrompt,
} from './artifact.js';
export {
  PromptArtifactError,
  PromptConfigError,
  PromptMismatchError,
  PromptTransferError,
} from './errors.js';
export {
  type ActivationSimilarity,
  activationSimilarity,
  type FfnActivationOptions,
  ffnActivations,
} from './ffn-activations.js';
export {
  type PandaDistillation,
  type PandaLossOptions,
  type PandaTeacher,
  pandaDistillation,
  pandaKdWeight,
  pandaLambda,
  pandaLoss,
} from './panda-loss.js';
export {
  createPromptTuning,
  crossEntropyLoss,
  type PromptableModel,
  type PromptBatch,
  type PromptLoss,
  type PromptLossFn,
  type PromptOptimizerOptions,
  type PromptTuning,
  PromptTuningModel,
  type PromptTuningOptions,
  promptedInputs,
  promptTuningLoss,
} from './prompt-tuning.js';
export {
  fitTokenIds,
  frequentWordPieceIds,
  type PromptInitInfo,
  type PromptMode,
  type PromptTensorData,
  type PromptTuningConfig,
  type PromptTuningInit,
  SoftPrompt,
} from './soft-prompt.js';
export {
  cosine,
  type PromptLike,
  type PromptTokens,
  promptSimilarity,
  promptTokens,
  type RankedSource,
  rankSources,
  type SourcePrompt,
  type SpotInit,
  type SpotInitOptions,
  type SpotMetric,
  spotInit,
} from './spot.js';
