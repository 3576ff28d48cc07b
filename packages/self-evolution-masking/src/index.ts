export {
  MaskingConfigError,
  SelectionFormatError,
  SelectionMismatchError,
  SelfEvolutionMaskingError,
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
export { type MlmLossOptions, mlmLoss } from './mlm-loss.js';
export { evaluateMlmLoss, type MlmStepOptions, mlmTrainingStep } from './mlm-training-step.js';
export { type RandomMaskOptions, randomMask } from './random-mask.js';
export type { ReplacementOptions } from './replacement.js';
export { type SeLossOptions, seLoss } from './se-loss.js';
export { type SeMaskedBatch, type SeMaskOptions, seMask } from './se-mask.js';
export { type SeStepOptions, seTrainingStep } from './se-training-step.js';
export type { Seeded } from './seeded.js';
// Selection files on disk (writeSelection, readSelection, loadSelectionMap, …) are in the Node
// entry `@selfevo/self-evolution-masking/node`; this entry bundles for browsers.
export {
  parseSelection,
  SELECTION_FORMAT,
  type SelectionHeader,
  type SelectionRecord,
  type SelectionRule,
  selectionRecords,
  selectionsForBatch,
} from './selection-format.js';
export { GeometricLength, type GeometricSpanOptions, type SpanMaskOptions, spanMask } from './span-mask.js';
export type { MaskedBatch, TokenBatch } from './token-batch.js';
export type { StepOptions, StepResult } from './train-step-common.js';
export { wholeWordMask } from './whole-word-mask.js';
