import {
  BertForCandidateScoring,
  BertForSequenceClassification,
  BertForSpanClassification,
} from '@selfevo/encoder-model';
import { crossEntropyAtPositions as crossEntropy } from '@selfevo/smooth-label-loss';
import type { FormulatedExample } from '@selfevo/superglue-datasets';
import * as tf from '@tensorflow/tfjs-core';
import { FinetuneConfigError, TaskBatchError } from './errors.js';
import type { TaskBatch } from './task-batches.js';
import type { TaskModel } from './task-model.js';

function inputs(batch: TaskBatch, training: boolean) {
  return {
    inputIds: { data: batch.inputIds, shape: batch.shape },
    tokenTypeIds: { data: batch.tokenTypeIds, shape: batch.shape },
    attentionMask: { data: batch.attentionMask, shape: batch.shape },
    training,
  };
}

/**
 * Raw model outputs of a batch: logits `[B, C]` for class / span heads, one score per sequence
 * `[B]` for the candidate scorer (COPA, ReCoRD).
 */
export function forwardBatch(model: TaskModel, batch: TaskBatch, training: boolean): tf.Tensor {
  return tf.tidy(() => {
    if (model instanceof BertForSpanClassification) {
      if (!batch.spans || batch.spanCount !== model.numSpans)
        throw new TaskBatchError(
          `${batch.examples[0]?.task}: span head needs ${model.numSpans} spans per example`,
        );
      return model.forward(inputs(batch, training), batch.spans).logits;
    }
    if (model instanceof BertForSequenceClassification || model instanceof BertForCandidateScoring)
      return model.forward(inputs(batch, training)).logits;
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
 * Training loss of a batch (mean over the batch):
 * class / span heads: cross-entropy over the classes; COPA: cross-entropy of the softmax over each
 * question's two candidate scores; ReCoRD: binary cross-entropy of each candidate's score
 * (softmax over [0, score] = sigmoid), the gold entity 1, the others 0.
 */
export function taskLoss(model: TaskModel, batch: TaskBatch, training: boolean): tf.Scalar {
  return tf.tidy(() => {
    const task = batch.examples[0]?.task;
    const out = forwardBatch(model, batch, training);
    if (task === 'COPA') {
      const { answers } = copaPairs(batch.examples);
      return crossEntropy(tf.reshape(out, [-1, 2]) as tf.Tensor2D, answers);
    }
    if (!batch.labels) throw new TaskBatchError(`${task}: a training batch without labels`);
    if (task === 'ReCoRD') {
      const s = tf.reshape(out, [-1, 1]);
      return crossEntropy(tf.concat([tf.zerosLike(s), s], 1) as tf.Tensor2D, batch.labels);
    }
    return crossEntropy(out as tf.Tensor2D, batch.labels);
  });
}
