// SPoT's task embeddings (the prompt after a fixed early number of steps) and "best of top-k"
// (train from each of the k most similar sources, keep the best on dev).
import { PromptConfigError } from './errors.js';
import type { PromptTensorData, SoftPrompt } from './soft-prompt.js';
import type { RankedSource } from './spot.js';

/**
 * SPoT's step for task embeddings: Vu et al. take the prompt checkpoint after 10k steps (of
 * 2^18). Small targets (CB: 16 steps an epoch at batch 16) end sooner; see `taskEmbeddingRecorder`.
 */
export const SPOT_TASK_EMBEDDING_STEP = 10_000;

export interface TaskEmbeddingRecorder {
  /** Give it to `train({ callbacks: [recorder.callback] })`. */
  readonly callback: {
    onStepEnd(info: { step: number }): void;
    onTrainEnd(result: { step: number }): void;
  };
  /** The prompt after step `atStep` (or at the end, if training stopped earlier); null before. */
  readonly embedding: PromptTensorData | null;
  /** The step the embedding was taken at (null before). */
  readonly step: number | null;
  /** The step it was asked for. */
  readonly atStep: number;
}

/**
 * Records a prompt's task embedding during `train()`: a copy of its values right after optimizer
 * step `atStep` (default `SPOT_TASK_EMBEDDING_STEP`). A run that ends before that step records its
 * last prompt (and `step` says which). Start the run from step 0: a run resumed past `atStep`
 * would record its end instead.
 */
export function taskEmbeddingRecorder(
  prompt: SoftPrompt,
  options: { atStep?: number } = {},
): TaskEmbeddingRecorder {
  const atStep = options.atStep ?? SPOT_TASK_EMBEDDING_STEP;
  if (!(Number.isInteger(atStep) && atStep >= 1))
    throw new PromptConfigError('atStep', `must be an integer ≥ 1, got ${atStep}`);
  let embedding: PromptTensorData | null = null;
  let step: number | null = null;
  const take = (s: number) => {
    embedding = prompt.toData();
    step = s;
  };
  return {
    atStep,
    get embedding() {
      return embedding;
    },
    get step() {
      return step;
    },
    callback: {
      onStepEnd(info) {
        if (embedding === null && info.step >= atStep) take(info.step);
      },
      onTrainEnd(result) {
        if (embedding === null) take(result.step);
      },
    },
  };
}

/** One run of `spotBestOfTopK`. */
export interface SourceRun<R> {
  name: string;
  similarity: number;
  result: R;
  score: number;
}

/**
 * SPoT "best of top-k": trains from each of the `topK` most similar sources in `ranking` (in rank
 * order, one after another) and keeps the one whose `score` (e.g. the dev metric) is highest; ties
 * go to the more similar source.
 */
export async function spotBestOfTopK<R>(
  ranking: readonly RankedSource[],
  options: {
    topK: number;
    run: (source: RankedSource, rank: number) => Promise<R> | R;
    score: (result: R) => number;
  },
): Promise<{ best: SourceRun<R>; runs: SourceRun<R>[] }> {
  const { topK } = options;
  if (!Number.isInteger(topK) || topK < 1 || topK > ranking.length)
    throw new PromptConfigError('topK', `must be an integer in [1, ${ranking.length}], got ${topK}`);
  const runs: SourceRun<R>[] = [];
  for (let i = 0; i < topK; i++) {
    const source = ranking[i]!;
    const result = await options.run(source, i);
    const score = options.score(result);
    if (Number.isNaN(score)) throw new PromptConfigError('score', `is NaN for source ${source.name}`);
    runs.push({ name: source.name, similarity: source.similarity, result, score });
  }
  let best = runs[0]!;
  for (const r of runs) if (r.score > best.score) best = r;
  return { best, runs };
}
