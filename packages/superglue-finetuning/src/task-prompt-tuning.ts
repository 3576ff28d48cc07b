// Prompt tuning (and deep prompt tuning) of every SuperGLUE formulation through `train()`: the
// task heads of this package behind `@selfevo/prompt-transfer`'s `createPromptTuning`.
import {
  createPromptTuning,
  type PromptableModel,
  type PromptEncoderInputs,
  type PromptTuning,
  type SoftPrompt,
} from '@selfevo/prompt-transfer';
import type { TaskName } from '@selfevo/superglue-datasets';
import type * as tf from '@tensorflow/tfjs-core';
import { FinetuneConfigError } from './errors.js';
import type { TaskBatch } from './task-batches.js';
import { forwardBatch, taskLogits, taskTargets } from './task-forward.js';
import type { TaskModel } from './task-model.js';

export interface TaskPromptTuningOptions {
  /** Train the task head with the prompt (default true). */
  trainHead?: boolean;
  /** Dropout in the frozen encoder and the head while training (default true). */
  dropout?: boolean;
}

/** `taskLogits` of a batch with the prompt attached: the `forward` of a task's prompt tuning. */
export function taskPromptForward(
  model: PromptableModel,
  batch: TaskBatch,
  prompt: PromptEncoderInputs,
  training: boolean,
): tf.Tensor2D {
  const task = batch.examples[0]?.task;
  return taskLogits(task, forwardBatch(model as TaskModel, batch, training, prompt));
}

/**
 * Prompt tuning of `task` on `model` (from `createTaskModel`) for `train()`: spread the result
 * into `train({ ...tuning, trainData: taskBatchSource(...), optimizer: tuning.model.optimizerOptions() })`.
 * Only the prompt (and the head, unless `trainHead: false`) trains; the encoder is frozen. Every
 * formulation works: pooled-[CLS] classification (BoolQ, CB, RTE, MultiRC per answer), COPA's
 * choice scoring, ReCoRD's candidate scoring, WiC/WSC span heads. The logits and targets are
 * `taskLogits` / `taskTargets`, so the loss is `taskLoss`'s, and PANDA's KD compares the same
 * logits (`pandaDistillation(tuning, { model: teacherModel, prompt: teacherPrompt })`).
 */
export function createTaskPromptTuning(
  task: TaskName,
  model: TaskModel,
  prompt: SoftPrompt,
  options: TaskPromptTuningOptions = {},
): PromptTuning<TaskBatch> {
  if (typeof task !== 'string') throw new FinetuneConfigError('task', 'must be a SuperGLUE task name');
  return createPromptTuning<TaskBatch>({
    model,
    prompt,
    trainHead: options.trainHead,
    dropout: options.dropout,
    forward: (m, batch, p, training) => {
      const got = batch.examples[0]?.task;
      if (got !== undefined && got !== task)
        throw new FinetuneConfigError('batch', `a ${got} batch for a ${task} prompt tuning`);
      return taskPromptForward(m, batch, p, training);
    },
    targets: taskTargets,
  });
}
