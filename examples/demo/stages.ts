// The demo's stages: SE continued pretraining, fine-tuning, source prompts, PANDA per target,
// submission. Each returns a JSON-able summary; demo.ts records it and skips the stage on a rerun.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BertModel } from '@selfevo/encoder-model';
import {
  type backboneFingerprint,
  loadPrompt,
  type PromptTensorData,
  SoftPrompt,
  savePrompt,
} from '@selfevo/prompt-transfer';
import type { ScoredTaskName, TaskName } from '@selfevo/superglue-datasets';
import { formatSubmissionFile, submissionFileName, zipSubmissionFiles } from '@selfevo/superglue-eval';
import { readSubmissionSource, referenceFilePath, validateSubmission } from '@selfevo/superglue-eval/node';
import { type EncoderSource, runSuperGlue } from '@selfevo/superglue-finetuning';
import type { Tokenizer } from '@selfevo/tokenizer';
import type { ProgressMode } from '@selfevo/trainer';
import { plotTrainingLog } from '@selfevo/training-plots';
import { writeFileAtomic } from '@selfevo/utils/node';
import { superglueDir } from '../shared/paths.js';
import {
  bestSource,
  disposeRun,
  loadTaskData,
  loadTest,
  predictSplit,
  promptTune,
} from '../shared/prompt-transfer.js';
import { type SeSummary, seContinuedPretraining } from '../shared/se.js';
import type { Preset } from './presets.js';

export interface Ctx {
  out: string;
  preset: Preset;
  tokenizer: Tokenizer;
  seed: number;
  progress: ProgressMode;
  log: (line: string) => void;
}

/** Stage 1: SE continued pretraining of the base model (τ = 0.1 selection, rectified smooth labels). */
export function seStage(ctx: Ctx, modelDir: string): Promise<SeSummary> {
  const p = ctx.preset;
  return seContinuedPretraining({
    modelDir,
    tokenizer: ctx.tokenizer,
    files: ['gutenberg.train.03.txt'],
    rows: p.seRows,
    heldOutRows: p.heldOutRows,
    tau: 0.1,
    alpha: 0.1,
    steps: p.seSteps,
    batchSize: p.seBatch,
    lr: p.seLr,
    seed: ctx.seed,
    outDir: join(ctx.out, 'se'),
    progress: ctx.progress,
    log: ctx.log,
  });
}

export interface TaskSummary {
  task: ScoredTaskName;
  status: string;
  val: number | null;
  majority: number | null;
  metrics: Record<string, number>;
  seconds: number | null;
  plot: string | null;
}

/** Stage 2: fine-tune every selected task with training data; its submission is the fallback. */
export async function finetuneStage(
  ctx: Ctx,
  encoder: EncoderSource,
  backend: string,
): Promise<{ tasks: TaskSummary[] }> {
  const p = ctx.preset;
  const report = await runSuperGlue({
    dataDir: superglueDir,
    outDir: join(ctx.out, 'finetune'),
    encoder,
    tokenizer: ctx.tokenizer,
    tasks: p.finetuneTasks,
    quick: p.quickRecipes,
    overrides: { maxLength: Math.min(128, encoder.config.maxPositionEmbeddings) },
    maxTrainExamples: p.maxTrain,
    maxEvalRecords: p.maxVal,
    seed: ctx.seed,
    progress: ctx.progress,
    log: ctx.log,
    runInfo: { backend, demo: p.name },
  });
  return {
    tasks: report.tasks.map((t) => ({
      task: t.task,
      status: t.status,
      val: t.val?.score ?? null,
      majority: t.valMajority?.score ?? null,
      metrics: t.val?.metrics ?? {},
      seconds: t.timing ? t.timing.totalMs / 1000 : null,
      plot: t.plot ?? null,
    })),
  };
}

/** Shared by the prompt stages: the frozen SE encoder and its fingerprint. */
export interface PromptCtx extends Ctx {
  source: EncoderSource;
  encoder: BertModel;
  backbone: Awaited<ReturnType<typeof backboneFingerprint>>;
}

const dataOf = (ctx: Ctx, task: ScoredTaskName) =>
  loadTaskData(task, superglueDir, ctx.tokenizer, {
    maxLength: 128,
    maxTrain: ctx.preset.promptMaxTrain,
    maxVal: ctx.preset.maxVal,
    seed: ctx.seed,
  });

const runOptions = (ctx: PromptCtx) => ({
  source: ctx.source,
  encoder: ctx.encoder,
  tokenizer: ctx.tokenizer,
  length: ctx.preset.promptLength,
  steps: ctx.preset.promptSteps,
  batchSize: ctx.preset.promptBatch,
  promptLr: 1e-2,
  progress: ctx.progress,
});

/** Stage 3: a prompt per source task (saved with its SPoT task embedding, the prompt after a few steps). */
export async function sourcePromptsStage(ctx: PromptCtx): Promise<{ tasks: string[] }> {
  for (const task of ctx.preset.library) {
    const dir = join(ctx.out, 'prompts', task);
    if (existsSync(join(dir, 'prompt', 'prompt_config.json'))) continue;
    ctx.log(`source prompt: ${task}`);
    const r = await promptTune({
      ...runOptions(ctx),
      data: await dataOf(ctx, task),
      seed: ctx.seed + ctx.preset.library.indexOf(task) + 1,
      embeddingAt: Math.max(1, Math.floor(ctx.preset.promptSteps / 4)),
      evaluate: false,
      outDir: join(dir, 'run'),
    });
    const embedding = SoftPrompt.create(ctx.encoder, {
      numVirtualTokens: ctx.preset.promptLength,
      prefix: true,
      promptTuningInit: 'SOURCE',
      sourcePrompt: r.embedding!,
    });
    await savePrompt(join(dir, 'embedding'), embedding, { backbone: ctx.backbone, task });
    await savePrompt(join(dir, 'prompt'), r.prompt, {
      backbone: ctx.backbone,
      task,
      steps: ctx.preset.promptSteps,
    });
    embedding.dispose();
    disposeRun(r);
  }
  return { tasks: [...ctx.preset.library] };
}

export interface PandaSummary {
  task: ScoredTaskName;
  source: string;
  similarity: number;
  ranking: { name: string; similarity: number }[];
  lambda: number;
  teacher: number | null;
  student: number | null;
  metrics: Record<string, number>;
  /** Test predictions of the student, written when it beats fine-tuning on val. */
  testPredictions: string | null;
  plot: string | null;
  seconds: number;
}

/** Stage 4 (one target): teacher = best source prompt tuned on the target; student = fresh prompt + KD. */
export async function pandaTarget(
  ctx: PromptCtx,
  task: ScoredTaskName,
  finetuned: number | null,
): Promise<PandaSummary> {
  const t0 = performance.now();
  const dir = join(ctx.out, 'panda', task);
  const library: { name: string; prompt: PromptTensorData; embedding: PromptTensorData }[] = [];
  for (const name of ctx.preset.library) {
    const load = (what: string) =>
      loadPrompt(join(ctx.out, 'prompts', name, what), { backbone: ctx.backbone });
    library.push({
      name,
      prompt: (await load('prompt')).prompt,
      embedding: (await load('embedding')).prompt,
    });
  }
  const own = library.find((s) => s.name === task);
  if (!own) throw new Error(`${task} is a PANDA target but has no prompt in the source library`);
  const best = bestSource(
    own.embedding,
    library.filter((s) => s.name !== task),
  );
  const data = await dataOf(ctx, task);
  const teacher = await promptTune({
    ...runOptions(ctx),
    data,
    seed: ctx.seed + 100,
    init: library.find((s) => s.name === best.name)!.prompt,
    outDir: join(dir, 'teacher'),
  });
  const student = await promptTune({
    ...runOptions(ctx),
    data,
    seed: ctx.seed + 200,
    teacher: { model: teacher.model, prompt: teacher.prompt },
    outDir: join(dir, 'student'),
  });
  let testPredictions: string | null = null;
  if ((student.val?.score ?? -1) > (finetuned ?? -1)) {
    const test = await loadTest(task, superglueDir, ctx.tokenizer, 128);
    if (test) {
      const p = await predictSplit(data, test, student.model, student.prompt, ctx.tokenizer, false);
      testPredictions = join(dir, 'test-predictions.json');
      await writeFileAtomic(testPredictions, JSON.stringify([...p.predictions]));
    }
  }
  const plot = student.logPath
    ? (await plotTrainingLog(student.logPath, join(dir, 'student'), { title: `${task} PANDA student` }))
        .svgPath
    : null;
  disposeRun(student);
  disposeRun(teacher);
  return {
    task,
    source: best.name,
    similarity: best.similarity,
    ranking: best.ranking,
    lambda: student.lambda ?? Number.NaN,
    teacher: teacher.val?.score ?? null,
    student: student.val?.score ?? null,
    metrics: student.val?.metrics ?? {},
    testPredictions,
    plot,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Stage 5: fine-tuning's submission with the tasks PANDA won replaced; zipped and validated. */
export async function submissionStage(
  ctx: Ctx,
  pandaWins: { task: ScoredTaskName; predictions: string }[],
): Promise<{ zip: string; valid: boolean; missing: string[]; problems: string[] }> {
  const source = await readSubmissionSource(join(ctx.out, 'finetune', 'submission'));
  const files: Record<string, Uint8Array> = {};
  for (const [name, text] of source.files) files[name] = new TextEncoder().encode(text);
  for (const w of pandaWins) {
    const preds = new Map<string, unknown>(JSON.parse(await readFile(w.predictions, 'utf8')));
    files[submissionFileName(w.task)] = new TextEncoder().encode(
      formatSubmissionFile(w.task, preds as never),
    );
  }
  const zip = join(ctx.out, 'submission.zip');
  await writeFileAtomic(zip, zipSubmissionFiles(files));
  const v = await validateSubmission(zip, superglueDir);
  // A file may only be missing where this data folder has no test file to predict (ReCoRD here).
  const noTestData = (p: { task?: TaskName; message: string }) =>
    p.message.startsWith('missing file') &&
    p.task !== undefined &&
    !existsSync(referenceFilePath(superglueDir, p.task, 'test'));
  const errors = v.problems.filter((p) => p.severity === 'error');
  const missing = errors.filter(noTestData).map((p) => p.task ?? p.file);
  const other = errors.filter((p) => !noTestData(p));
  return {
    zip,
    valid: other.length === 0,
    missing: missing.map(String),
    problems: other.map((p) => `${p.file}${p.line ? `:${p.line}` : ''} ${p.message}`),
  };
}
