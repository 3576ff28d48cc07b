export { type CrossEntropyOptions, crossEntropyAtPositions } from './cross-entropy-at-positions.js';
export { LabelRangeError, LossConfigError, ShapeMismatchError, SmoothLabelLossError } from './errors.js';
export { type KlDistillationOptions, klDistillation } from './kl-distillation.js';
export { type LabelSmoothingOptions, labelSmoothedCrossEntropy } from './label-smoothed-cross-entropy.js';
export { type LogitMseOptions, logitMseDistillation } from './logit-mse-distillation.js';
export { type RectifiedSmoothLabelOptions, rectifiedSmoothLabelLoss } from './rectified-smooth-label-loss.js';
export type { Labels, Reduction, RowIndices } from './select-rows.js';
export { type SoftTargetOptions, softTargetCrossEntropy } from './soft-target-cross-entropy.js';
