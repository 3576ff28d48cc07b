export {
  MaskingConfigError,
  SelectionFormatError,
  SelectionMismatchError,
  ShapeMismatchError,
} from './errors.js';
export {
  type InformativeCriterion,
  newScoreStats,
  type ScoreOptions,
  type ScoreStats,
  type ScoringBatch,
  scoreInformativeTokens,
} from './informative-tokens.js';
export type { GradientStepper, IntBatchInput, MaskedLmInputs, MaskedLmModel } from './masked-lm-model.js';
export { type RandomMaskOptions, randomMask } from './random-mask.js';
export type { ReplacementOptions } from './replacement.js';
export { type SeMaskedBatch, type SeMaskOptions, seMask } from './se-mask.js';
export type { Seeded } from './seeded.js';
export {
  loadSelectionMap,
  readSelection,
  readSelectionHeader,
  SELECTION_FORMAT,
  type SelectionHeader,
  type SelectionRecord,
  selectionsForBatch,
  writeSelection,
} from './selection-file.js';
export { GeometricLength, type GeometricSpanOptions, type SpanMaskOptions, spanMask } from './span-mask.js';
export type { MaskedBatch, TokenBatch } from './token-batch.js';
export {
  evaluateMlmLoss,
  type MlmStepOptions,
  mlmTrainingStep,
  type SeStepOptions,
  type StepOptions,
  type StepResult,
  seTrainingStep,
} from './training-step.js';
export { wholeWordMask } from './whole-word-mask.js';
