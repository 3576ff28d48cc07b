import type { SoftPrompt } from '@selfevo/prompt-transfer';
import {
  type CopaExample,
  classPredictions,
  copaPredictions,
  type FormulatedExample,
  type MultiRcExample,
  multiRcPredictions,
  type RecordExample,
  recordPredictions,
} from '@selfevo/superglue-datasets';
import { idxKey, multircKey } from '@selfevo/superglue-eval';
import * as tf from '@tensorflow/tfjs-core';
import { TensorLeakError } from './errors.js';
import { evalBatches } from './task-batches.js';
import { forwardBatch } from './task-forward.js';
import type { TaskModel } from './task-model.js';

/** Model scores of every example, in example order: per-class logits, or one score for candidates. */
export interface ExampleScores {
  /** `[C]` logits per example (class / span heads) or `[1]` (candidate scorer). */
  scores: Float32Array[];
  /** Real tokens read and milliseconds spent (for tokens/s). */
  tokens: number;
  ms: number;
}

/** Runs `model` (eval mode, no dropout; with `prompt` attached, if given) over `examples` in length-bucketed batches. */
export async function scoreExamples(
  model: TaskModel,
  examples: readonly FormulatedExample[],
  batchSize: number,
  padTokenId: number,
  onBatch?: (done: number, total: number) => void,
  prompt?: SoftPrompt,
): Promise<ExampleScores> {
  const t0 = performance.now();
  const scores: Float32Array[] = new Array(examples.length);
  let tokens = 0;
  let done = 0;
  model.setTraining(false);
  for (const batch of evalBatches(examples, batchSize, padTokenId)) {
    const out = tf.tidy(() => forwardBatch(model, batch, false, prompt?.encoderInputs()));
    const data = (await out.data()) as Float32Array;
    const width = out.rank === 1 ? 1 : out.shape[1]!;
    out.dispose();
    batch.indices.forEach((exampleIndex, row) => {
      scores[exampleIndex] = data.slice(row * width, (row + 1) * width);
    });
    tokens += batch.tokens;
    done += batch.size;
    onBatch?.(done, examples.length);
  }
  return { scores, tokens, ms: performance.now() - t0 };
}

/**
 * Predictions in the form `@selfevo/superglue-eval` scores and writes: native labels keyed by the
 * official idx (`idxKey`), MultiRC by `multircKey(paragraph, question, answer)`, ReCoRD by query idx.
 * The mapping goes through the datasets package (`classPredictions`, `copaPredictions`, ...), i.e.
 * through label names, never raw class ids.
 */
export function officialPredictions(
  examples: readonly FormulatedExample[],
  scores: readonly Float32Array[],
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (examples.length === 0) return out;
  const kind = examples[0]!.kind;
  if (kind === 'copa') {
    for (const p of copaPredictions(
      examples as CopaExample[],
      scores.map((s) => s[0]!),
    ))
      out.set(idxKey(p.idx), p.label);
  } else if (kind === 'record') {
    for (const p of recordPredictions(
      examples as RecordExample[],
      scores.map((s) => s[0]!),
    ))
      out.set(idxKey(p.idx), p.label);
  } else if (kind === 'multirc') {
    for (const p of multiRcPredictions(examples as MultiRcExample[], scores))
      for (const q of p.passage.questions)
        for (const a of q.answers) out.set(multircKey(p.idx, q.idx, a.idx), a.label);
  } else {
    for (const p of classPredictions(examples, scores)) out.set(idxKey(p.idx), p.label);
  }
  return out;
}

/** `scoreExamples` + `officialPredictions`, with the tensor count checked flat. */
export async function predictTask(
  model: TaskModel,
  examples: readonly FormulatedExample[],
  batchSize: number,
  padTokenId: number,
  onBatch?: (done: number, total: number) => void,
  prompt?: SoftPrompt,
): Promise<{ predictions: Map<string, unknown>; tokens: number; ms: number }> {
  const before = tf.memory().numTensors;
  const s = await scoreExamples(model, examples, batchSize, padTokenId, onBatch, prompt);
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new TensorLeakError(leaked);
  return { predictions: officialPredictions(examples, s.scores), tokens: s.tokens, ms: s.ms };
}
