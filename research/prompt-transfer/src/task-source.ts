// What a run needs to know about a task: its formulation (which head and loss), its training
// inputs for a seed, its val inputs, and how val is scored. SuperGLUE tasks read the official
// files; the controlled tasks (controlled-tasks.ts) are built from the corpus.
import type { SoftPrompt } from '@selfevo/prompt-transfer';
import type { FormulatedExample, ScoredTaskName } from '@selfevo/superglue-datasets';
import { computeTaskMetrics } from '@selfevo/superglue-eval';
import {
  capExamples,
  loadFormulated,
  predictTask,
  resolveRecipe,
  type TaskModel,
  withFallback,
} from '@selfevo/superglue-finetuning';
import type { Tokenizer } from '@selfevo/tokenizer';

export interface TaskScore {
  /** The task's score as a fraction (SuperGLUE: the official task score; controlled: accuracy). */
  score: number;
  metrics: Record<string, number>;
}

export interface TaskSource {
  name: string;
  /** The SuperGLUE formulation whose head, loss and batching the task uses. */
  formulation: ScoredTaskName;
  /** Prompt runs on this task train this many epochs (default: the experiment's `--epochs`). */
  epochs?: number;
  /** The training inputs of a seed (a seeded sample of whole groups when capped). */
  train(seed: number): Promise<FormulatedExample[]>;
  /** Scores `model` (with `prompt` attached, if given) on the task's val inputs. */
  evaluate(model: TaskModel, prompt: SoftPrompt | undefined, batchSize: number): Promise<TaskScore>;
}

/** A SuperGLUE task from the official files: train capped at `maxTrain` per seed, val at `maxVal` records (fixed sample). */
export function superglueTask(
  task: ScoredTaskName,
  o: { data: string; maxLength: number; maxTrain: number; maxVal: number },
  tokenizer: Tokenizer,
): TaskSource {
  const recipe = resolveRecipe(task, { maxLength: o.maxLength });
  const load = async () => ({
    train: await loadFormulated(task, 'train', o.data, tokenizer, recipe),
    val: await loadFormulated(task, 'val', o.data, tokenizer, recipe, {
      maxRecords: o.maxVal > 0 ? o.maxVal : undefined,
      seed: 0,
    }),
  });
  // read and formulated once, on first use
  let splits: ReturnType<typeof load> | undefined;
  const data = () => (splits ??= load());
  const pad = tokenizer.padTokenId ?? 0;
  return {
    name: task,
    formulation: task,
    async train(seed) {
      const { train } = await data();
      return capExamples(train.examples, o.maxTrain > 0 ? o.maxTrain : undefined, seed);
    },
    async evaluate(model, prompt, batchSize) {
      const { train, val } = await data();
      const p = await predictTask(model, val.examples, batchSize, pad, undefined, prompt);
      const preds = withFallback(task, p.predictions, val.unformulatedGold, train.gold);
      const m = computeTaskMetrics(task, val.gold, preds);
      return { score: m.score ?? Number.NaN, metrics: m.metrics };
    },
  };
}
