// One run of the experiment: prompt tuning (from scratch, from a source prompt, or as a PANDA
// student) or full fine-tuning of one task, scored on val; results and prompts saved in its folder.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadWeights } from '@selfevo/encoder-model';
import {
  type BackboneFingerprint,
  backboneFingerprint,
  loadPrompt,
  type PandaLossOptions,
  type PandaTeacherMode,
  type PromptTensorData,
  pandaDistillation,
  SoftPrompt,
  savePrompt,
  taskEmbeddingRecorder,
} from '@selfevo/prompt-transfer';
import type { ScoredTaskName } from '@selfevo/superglue-datasets';
import {
  createTaskModel,
  createTaskPromptTuning,
  type EncoderSource,
  finetuneTask,
  resolveRecipe,
  taskBatchSource,
} from '@selfevo/superglue-finetuning';
import type { Tokenizer } from '@selfevo/tokenizer';
import { train } from '@selfevo/trainer';
import { writeFileAtomic } from '@selfevo/utils/node';
import type { ExperimentOptions } from './options.js';
import type { TaskScore, TaskSource } from './task-source.js';

/** What every run shares: the options, the backbone and the tokenized data. */
export interface RunContext {
  o: ExperimentOptions;
  encoder: EncoderSource;
  tokenizer: Tokenizer;
  /** Every task the experiment trains on (targets and sources). */
  tasks: Map<string, TaskSource>;
  log: (line: string) => void;
}

/** A task of the experiment by name (its source, formulation and data). */
export function taskOf(ctx: RunContext, name: string): TaskSource {
  const t = ctx.tasks.get(name);
  if (!t) throw new Error(`no task ${name} in this experiment`);
  return t;
}

let fingerprint: Promise<BackboneFingerprint> | undefined;
/** The backbone's fingerprint (hash of every encoder weight), computed once. */
export function backbone(ctx: RunContext): Promise<BackboneFingerprint> {
  fingerprint ??= (async () => {
    const { model } = createTaskModel('RTE', ctx.encoder, 0); // any head: only the encoder is hashed
    try {
      return await backboneFingerprint(model.encoder, ctx.encoder.origin);
    } finally {
      model.dispose();
    }
  })();
  return fingerprint;
}

export interface RunResult {
  seed: number;
  task: string;
  method: string;
  source?: string;
  /** Val task score (fraction) of the best evaluation, and its metrics. */
  score: number;
  metrics: Record<string, number>;
  steps: number;
  bestStep: number | null;
  wallMs: number;
  /** Prompt runs: where the trained prompt (and head) and the task embedding were saved. */
  promptDir?: string;
  embeddingDir?: string;
  embeddingStep?: number;
  lambda?: number;
  similarity?: number;
  extra?: Record<string, unknown>;
}

export interface PromptRunSpec {
  task: string;
  seed: number;
  method: string;
  source?: string;
  dir: string;
  /** Start from these prompt values (SPoT); default a seeded random prompt. */
  init?: PromptTensorData;
  /** Record the task embedding at `o.embeddingStep`. */
  recordEmbedding?: boolean;
  /** PANDA: the teacher's prompt folder (source prompt tuned on this task) and the KD options. */
  panda?: { teacherDir: string; kd: PandaLossOptions; teacherMode: PandaTeacherMode };
  similarity?: number;
}

/** Removes the `checkpoint-*` folders of a finished run (the log stays). */
async function dropCheckpoints(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => n.startsWith('checkpoint-'))
      .map((n) => rm(join(dir, n), { recursive: true, force: true })),
  );
}

/** Prompt tuning of one task through `train()`: best val epoch kept, prompt + head saved. */
export async function runPrompt(ctx: RunContext, s: PromptRunSpec): Promise<RunResult> {
  const { o } = ctx;
  const t0 = performance.now();
  const task = taskOf(ctx, s.task);
  const examples = await task.train(s.seed);
  const pad = ctx.tokenizer.padTokenId ?? 0;
  const { model } = createTaskModel(task.formulation, ctx.encoder, s.seed);
  const prompt = SoftPrompt.create(model.encoder, {
    numVirtualTokens: o.promptLength,
    prefix: o.promptMode === 'prefix',
    seed: s.seed,
    ...(s.init ? { promptTuningInit: 'SOURCE' as const, sourcePrompt: s.init } : {}),
  });
  let teacher: { model: typeof model; prompt: SoftPrompt } | undefined;
  try {
    const tuning = createTaskPromptTuning(task.formulation, model, prompt);
    let runner = tuning;
    let lambda: number | undefined;
    if (s.panda) {
      const loaded = await loadPrompt(s.panda.teacherDir, { backbone: await backbone(ctx) });
      const tm = createTaskModel(task.formulation, ctx.encoder, s.seed + 1, { encoder: model.encoder }).model;
      loadWeights(tm.head.params, loaded.head);
      const tp = SoftPrompt.create(model.encoder, {
        numVirtualTokens: o.promptLength,
        prefix: o.promptMode === 'prefix',
        promptTuningInit: 'SOURCE',
        sourcePrompt: loaded.prompt,
      });
      teacher = { model: tm, prompt: tp };
      const distill = pandaDistillation(tuning, teacher, { ...s.panda.kd, teacherMode: s.panda.teacherMode });
      lambda = distill.lambda;
      runner = distill;
    }
    const recorder = s.recordEmbedding ? taskEmbeddingRecorder(prompt, { atStep: o.embeddingStep }) : null;
    const trainData = taskBatchSource(examples, o.batchSize, pad);
    const stepsPerEpoch = trainData.batchesPerEpoch!;
    const evals = new Map<number, TaskScore>();
    const result = await train({
      ...runner,
      trainData,
      optimizer: tuning.model.optimizerOptions({ promptLr: o.lr, headLr: o.lr }),
      schedule: { schedule: 'linear', warmupSteps: 0 },
      epochs: task.epochs ?? o.epochs,
      evalEverySteps: stepsPerEpoch,
      evalFn: async ({ step }) => {
        const m = await task.evaluate(model, prompt, o.batchSize * 2);
        evals.set(step, m);
        return { ...m.metrics, score: m.score };
      },
      metricForBest: 'score',
      greaterIsBetter: true,
      loadBestModelAtEnd: true,
      outputDir: join(s.dir, 'train'),
      overwriteOutputDir: true,
      saveTotalLimit: 1,
      logEverySteps: Math.max(1, Math.min(10, Math.floor(stepsPerEpoch / 2))),
      seed: s.seed,
      progress: 'none',
      callbacks: recorder ? [recorder.callback] : [],
    });
    const best = evals.get(result.bestStep ?? -1) ?? evals.get(result.step)!;
    const fp = await backbone(ctx);
    const promptDir = join(s.dir, 'prompt');
    await savePrompt(promptDir, prompt, {
      backbone: fp,
      task: s.task,
      steps: result.bestStep ?? result.step,
      devScore: Number.isFinite(best.score) ? best.score : undefined,
      devMetric: 'val score',
      head: model.head.params,
      extra: { method: s.method, source: s.source, seed: s.seed },
    });
    let embeddingDir: string | undefined;
    if (recorder?.embedding) {
      embeddingDir = join(s.dir, 'embedding');
      const e = SoftPrompt.create(model.encoder, {
        numVirtualTokens: o.promptLength,
        prefix: o.promptMode === 'prefix',
        promptTuningInit: 'SOURCE',
        sourcePrompt: recorder.embedding,
      });
      await savePrompt(embeddingDir, e, {
        backbone: fp,
        task: s.task,
        steps: recorder.step ?? undefined,
        extra: { kind: 'SPoT task embedding', askedStep: o.embeddingStep },
      });
      e.dispose();
    }
    await dropCheckpoints(join(s.dir, 'train'));
    return {
      seed: s.seed,
      task: s.task,
      method: s.method,
      ...(s.source ? { source: s.source } : {}),
      score: best.score,
      metrics: best.metrics,
      steps: result.step,
      bestStep: result.bestStep,
      wallMs: performance.now() - t0,
      promptDir,
      ...(embeddingDir ? { embeddingDir, embeddingStep: recorder?.step ?? undefined } : {}),
      ...(lambda !== undefined ? { lambda } : {}),
      ...(s.similarity !== undefined ? { similarity: s.similarity } : {}),
    };
  } finally {
    if (teacher) {
      teacher.prompt.dispose();
      teacher.model.dispose(); // its head only: the encoder is the student's
    }
    prompt.dispose();
    model.dispose();
  }
}

/** Full fine-tuning of one task (the package's recipe; encoder and head train). */
export async function runFinetune(
  ctx: RunContext,
  task: ScoredTaskName,
  seed: number,
  dir: string,
): Promise<RunResult> {
  const { o } = ctx;
  const t0 = performance.now();
  const recipe = resolveRecipe(
    task,
    { maxLength: o.maxLength, ...(o.finetuneEpochs !== undefined ? { epochs: o.finetuneEpochs } : {}) },
    false,
  );
  const r = await finetuneTask({
    task,
    dataDir: o.data,
    outDir: join(dir, 'train'),
    encoder: ctx.encoder,
    tokenizer: ctx.tokenizer,
    recipe,
    seed,
    maxTrainExamples: o.maxTrain > 0 ? o.maxTrain : undefined,
    maxEvalRecords: o.maxVal > 0 ? o.maxVal : undefined,
    predictTest: false,
    diagnostics: [],
    progress: 'none',
    log: () => {},
  });
  await dropCheckpoints(join(dir, 'train'));
  return {
    seed,
    task,
    method: 'finetune',
    score: r.val.score ?? Number.NaN,
    metrics: r.val.metrics,
    steps: r.steps,
    bestStep: r.bestStep,
    wallMs: performance.now() - t0,
    extra: { recipe, valMajority: r.valMajority.score },
  };
}

/** Writes a run's result last (atomically): its presence marks the run finished. */
export async function saveResult(dir: string, r: RunResult): Promise<void> {
  await writeFileAtomic(join(dir, 'result.json'), `${JSON.stringify(r, null, 2)}\n`);
}
