// Prompt tuning, SPoT and PANDA on a SuperGLUE task, through train(): shared by
// 06-prompt-transfer and the demo. One frozen encoder; every run adds a prompt and a task head.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BertModel } from '@selfevo/encoder-model';
import {
  type PandaDistillationOptions,
  type PromptTensorData,
  pandaDistillation,
  rankSources,
  SoftPrompt,
  taskEmbeddingRecorder,
} from '@selfevo/prompt-transfer';
import {
  type FormulatedExample,
  formulateOne,
  mulberry32,
  type ScoredTaskName,
  SpanAlignmentError,
  shuffled,
} from '@selfevo/superglue-datasets';
import { loadSplit, splitPath } from '@selfevo/superglue-datasets/node';
import {
  computeTaskMetrics,
  type GoldSet,
  goldFromRecords,
  majorityBaseline,
  type TaskMetricsResult,
} from '@selfevo/superglue-eval';
import {
  capExamples,
  createTaskModel,
  createTaskPromptTuning,
  type EncoderSource,
  predictTask,
  type TaskModel,
  taskBatchSource,
} from '@selfevo/superglue-finetuning';
import type { Tokenizer } from '@selfevo/tokenizer';
import { type ProgressMode, train } from '@selfevo/trainer';

/** One split, formulated; records whose span the tokenizer cut away get the majority class. */
export interface Split {
  examples: FormulatedExample[];
  gold: GoldSet;
  unformulated: GoldSet | null;
}

export interface TaskData {
  task: ScoredTaskName;
  train: FormulatedExample[];
  trainGold: GoldSet;
  val: Split;
}

async function loadFormulated(
  task: ScoredTaskName,
  split: 'train' | 'val' | 'test',
  dataDir: string,
  tokenizer: Tokenizer,
  o: { maxLength: number; maxRecords?: number; seed?: number },
): Promise<Split> {
  const loaded = await loadSplit(task, split, { dir: dataDir, labelled: split !== 'test' });
  let records = loaded.records;
  if (o.maxRecords !== undefined && records.length > o.maxRecords) {
    // the same seeded sample as superglue-finetuning's finetuneTask, so the scores compare
    const keep = new Set(shuffled(records, mulberry32(o.seed ?? 0)).slice(0, o.maxRecords));
    records = records.filter((r) => keep.has(r));
  }
  const examples: FormulatedExample[] = [];
  const unformulated: unknown[] = [];
  for (const r of records) {
    try {
      examples.push(...(formulateOne(task, r, tokenizer, { maxLength: o.maxLength }) as FormulatedExample[]));
    } catch (e) {
      if (!(e instanceof SpanAlignmentError)) throw e;
      unformulated.push(r);
    }
  }
  const jsonl = (rs: readonly unknown[]) => rs.map((value, i) => ({ line: i + 1, value }));
  const requireLabels = split !== 'test';
  return {
    examples,
    gold: goldFromRecords(task, jsonl(records), loaded.file, { requireLabels }),
    unformulated: unformulated.length
      ? goldFromRecords(task, jsonl(unformulated), loaded.file, { requireLabels })
      : null,
  };
}

/** Train (a seeded sample of `maxTrain` inputs) and val (a seeded sample of `maxVal` records, as finetuneTask's) of a task. */
export async function loadTaskData(
  task: ScoredTaskName,
  dataDir: string,
  tokenizer: Tokenizer,
  o: { maxLength: number; maxTrain?: number; maxVal?: number; seed: number },
): Promise<TaskData> {
  const train = await loadFormulated(task, 'train', dataDir, tokenizer, o);
  const val = await loadFormulated(task, 'val', dataDir, tokenizer, { ...o, maxRecords: o.maxVal });
  return { task, train: capExamples(train.examples, o.maxTrain, o.seed), trainGold: train.gold, val };
}

/** Predictions of `model` + `prompt` on a split in official form, scored when it has labels. */
export async function predictSplit(
  data: TaskData,
  split: Split,
  model: TaskModel,
  prompt: SoftPrompt,
  tokenizer: Tokenizer,
  scored = split === data.val,
): Promise<{ predictions: Map<string, unknown>; metrics: TaskMetricsResult | null }> {
  const p = await predictTask(model, split.examples, 32, tokenizer.padTokenId ?? 0, undefined, prompt);
  const predictions = new Map(p.predictions);
  if (split.unformulated)
    for (const [k, v] of majorityBaseline(data.task, split.unformulated, data.trainGold))
      predictions.set(k, v);
  return { predictions, metrics: scored ? computeTaskMetrics(data.task, split.gold, predictions) : null };
}

/** The test split of a task (for the submission), formulated like the training data. */
export async function loadTest(
  task: ScoredTaskName,
  dataDir: string,
  tokenizer: Tokenizer,
  maxLength: number,
): Promise<Split | null> {
  if (!existsSync(splitPath(task, 'test', dataDir))) return null;
  return loadFormulated(task, 'test', dataDir, tokenizer, { maxLength });
}

export interface PromptRunOptions {
  data: TaskData;
  /** Where the encoder's config comes from (its weights are `encoder`'s, shared and frozen). */
  source: EncoderSource;
  encoder: BertModel;
  tokenizer: Tokenizer;
  /** Prompt length (virtual tokens per layer: deep prompts, which take no input positions). */
  length: number;
  /** Start from this prompt (SPoT / vanilla transfer); default a seeded random prompt. */
  init?: PromptTensorData;
  /** PANDA: distil from this teacher (its own prompt and head on the same encoder). */
  teacher?: { model: TaskModel; prompt: SoftPrompt; options?: PandaDistillationOptions };
  steps: number;
  batchSize: number;
  promptLr: number;
  seed: number;
  /** Also keep the prompt after this step (SPoT's task embedding). */
  embeddingAt?: number;
  /** Score val at the end (default true). */
  evaluate?: boolean;
  outDir: string;
  progress: ProgressMode;
}

export interface PromptRun {
  model: TaskModel;
  prompt: SoftPrompt;
  val: TaskMetricsResult | null;
  embedding: PromptTensorData | null;
  lambda: number | null;
  logPath: string | null;
}

/** Prompt tuning (plain, from a source prompt, or PANDA distillation) of one task through train(). */
export async function promptTune(o: PromptRunOptions): Promise<PromptRun> {
  const { model } = createTaskModel(o.data.task, o.source, o.seed, { encoder: o.encoder });
  const prompt = SoftPrompt.create(o.encoder, {
    numVirtualTokens: o.length,
    prefix: true, // deep prompts (P-tuning v2, as PANDA's code): key/value prefixes at every layer
    seed: o.seed,
    randomInitStd: 0.5,
    ...(o.init ? { promptTuningInit: 'SOURCE' as const, sourcePrompt: o.init } : {}),
  });
  const tuning = createTaskPromptTuning(o.data.task, model, prompt);
  const run = o.teacher
    ? pandaDistillation(tuning, { model: o.teacher.model, prompt: o.teacher.prompt }, o.teacher.options)
    : tuning;
  const recorder = o.embeddingAt ? taskEmbeddingRecorder(prompt, { atStep: o.embeddingAt }) : null;
  const result = await train({
    ...run,
    trainData: taskBatchSource(o.data.train, o.batchSize, o.tokenizer.padTokenId ?? 0),
    optimizer: run.model.optimizerOptions({ promptLr: o.promptLr }),
    schedule: { schedule: 'linear', peakLr: o.promptLr, warmupSteps: Math.ceil(o.steps / 10) },
    maxSteps: o.steps,
    logEverySteps: Math.max(1, Math.floor(o.steps / 10)),
    outputDir: o.outDir,
    overwriteOutputDir: true,
    saveTotalLimit: 1,
    seed: o.seed,
    progress: o.progress,
    callbacks: recorder ? [recorder.callback] : [],
  });
  const val =
    o.evaluate === false
      ? null
      : (await predictSplit(o.data, o.data.val, model, prompt, o.tokenizer)).metrics;
  return {
    model,
    prompt,
    val,
    embedding: recorder?.embedding ?? null,
    lambda: 'lambda' in run ? (run as { lambda: number }).lambda : null,
    logPath: result.logPath ?? (existsSync(join(o.outDir, 'log.jsonl')) ? join(o.outDir, 'log.jsonl') : null),
  };
}

/** The most similar source by SPoT's prompt similarity of the task embeddings (cosine of the averages). */
export function bestSource(
  target: PromptTensorData,
  sources: readonly { name: string; prompt: PromptTensorData; embedding: PromptTensorData }[],
): { name: string; similarity: number; ranking: { name: string; similarity: number }[] } {
  const ranking = rankSources(target, sources);
  return { ...ranking[0]!, ranking };
}

/** Frees a run's prompt and task head (the shared encoder stays). */
export function disposeRun(r: { model: TaskModel; prompt: SoftPrompt }): void {
  r.prompt.dispose();
  r.model.dispose(); // its head: the encoder is shared, disposed by its owner
}
