import {
  BertForCandidateScoring,
  BertForSequenceClassification,
  BertForSpanClassification,
} from '@selfevo/encoder-model';
import type { PromptEncoderInputs } from '@selfevo/prompt-transfer';
import { crossEntropyAtPositions as crossEntropy } from '@selfevo/smooth-label-loss';
import type { FormulatedExample } from '@selfevo/superglue-datasets';
import * as tf from '@tensorflow/tfjs-core';
import { FinetuneConfigError, TaskBatchError } from './errors.js';
import type { TaskBatch } from './task-batches.js';
import type { TaskModel } from './task-model.js';

function inputs(batch: TaskBatch, training: boolean, prompt: PromptEncoderInputs = {}) {
  return {
    inputIds: { data: batch.inputIds, shape: batch.shape },
    tokenTypeIds: { data: batch.tokenTypeIds, shape: batch.shape },
    attentionMask: { data: batch.attentionMask, shape: batch.shape },
    training,
    ...prompt,
  };
}

/**
 * Raw model outputs of a batch: logits `[B, C]` for class / span heads, one score per sequence
 * `[B]` for the candidate scorer (COPA, ReCoRD). `prompt`: a soft prompt's encoder inputs
 * (`SoftPrompt.encoderInputs()`, input-level or deep); span positions skip an input-level prompt.
 */
export function forwardBatch(
  model: TaskModel,
  batch: TaskBatch,
  training: boolean,
  prompt?: PromptEncoderInputs,
): tf.Tensor {
  return tf.tidy(() => {
    if (model instanceof BertForSpanClassification) {
      if (!batch.spans || batch.spanCount !== model.numSpans)
        throw new TaskBatchError(
          `${batch.examples[0]?.task}: span head needs ${model.numSpans} spans per example`,
        );
      return model.forward(inputs(batch, training, prompt), batch.spans).logits;
    }
    if (model instanceof BertForSequenceClassification || model instanceof BertForCandidateScoring)
      return model.forward(inputs(batch, training, prompt)).logits;
    throw new FinetuneConfigError(
      'model',
      'unsupported task model (expected a class, candidate or span head)',
    );
  });
}

/** COPA: the two candidates of each question as rows of `[Q, 2]`, with the index of the right one. */
function copaPairs(examples: readonly FormulatedExample[]): { answers: number[] } {
  if (examples.length % 2 !== 0) throw new TaskBatchError('COPA batch must hold whole candidate pairs');
  const answers: number[] = [];
  for (let i = 0; i < examples.length; i += 2) {
    const a = examples[i]!;
    const b = examples[i + 1]!;
    if (a.kind !== 'copa' || b.kind !== 'copa' || a.group !== b.group || a.choice !== 0 || b.choice !== 1)
      throw new TaskBatchError(
        `COPA batch row ${i}: expected choice 0 and 1 of one question next to each other`,
      );
    if (a.answer === undefined) throw new TaskBatchError(`COPA idx ${a.group}: no label to train on`);
    answers.push(a.answer);
  }
  return { answers };
}

/**
 * The logits every task is trained (and distilled) on, `[N, C]`: class / span heads as they are;
 * COPA the two candidate scores of each question, `[Q, 2]`; ReCoRD `[0, score]` per candidate,
 * `[N, 2]` (a softmax over it is the sigmoid of the score: yes/no per candidate).
 */
export function taskLogits(task: string | undefined, out: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    if (task === 'COPA') return tf.reshape(out, [-1, 2]) as tf.Tensor2D;
    if (task === 'ReCoRD') {
      const s = tf.reshape(out, [-1, 1]);
      return tf.concat([tf.zerosLike(s), s], 1) as tf.Tensor2D;
    }
    if (out.rank !== 2) throw new TaskBatchError(`${task}: expected logits [B, C], got [${out.shape}]`);
    return out as tf.Tensor2D;
  });
}

/** The class of every row of `taskLogits`: COPA the right choice per question, else the labels. */
export function taskTargets(batch: TaskBatch): number[] | Int32Array {
  const task = batch.examples[0]?.task;
  if (task === 'COPA') return copaPairs(batch.examples).answers;
  if (!batch.labels) throw new TaskBatchError(`${task}: a training batch without labels`);
  return batch.labels;
}

/**
 * Training loss of a batch (mean over the batch): cross-entropy of `taskLogits` against
 * `taskTargets`. Class / span heads: over the classes; COPA: the softmax over each question's two
 * candidate scores; ReCoRD: binary cross-entropy of each candidate's score (softmax over
 * [0, score] = sigmoid), the gold entity 1, the others 0.
 */
export function taskLoss(model: TaskModel, batch: TaskBatch, training: boolean): tf.Scalar {
  return tf.tidy(() => {
    const task = batch.examples[0]?.task;
    const targets = taskTargets(batch);
    return crossEntropy(taskLogits(task, forwardBatch(model, batch, training)), targets);
  });
}
