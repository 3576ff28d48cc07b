export {
  CheckpointMismatchError,
  FinetuneConfigError,
  SuperGlueFinetuningError,
  TaskBatchError,
  TensorLeakError,
} from './errors.js';
export {
  type DiagnosticResult,
  type FinetuneTaskOptions,
  type FinetuneTaskResult,
  finetuneTask,
  loadFormulated,
  withFallback,
} from './finetune-task.js';
export { type RunSuperGlueOptions, runSuperGlue } from './run-superglue.js';
export { formatSuperGlueReport, type SuperGlueReport, type TaskReport } from './superglue-report.js';
export { capExamples, evalBatches, exampleGroup, type TaskBatch, taskBatchSource } from './task-batches.js';
export { forwardBatch, taskLogits, taskLoss, taskTargets } from './task-forward.js';
export {
  createTaskModel,
  type EncoderSource,
  loadEncoderSource,
  numClasses,
  type TaskHeadKind,
  type TaskModel,
  taskHeadKind,
} from './task-model.js';
export { type ExampleScores, officialPredictions, predictTask, scoreExamples } from './task-predict.js';
export {
  createTaskPromptTuning,
  type TaskPromptTuningOptions,
  taskPromptForward,
} from './task-prompt-tuning.js';
export { QUICK_RECIPE, resolveRecipe, TASK_RECIPES, type TaskRecipe } from './task-recipes.js';
