import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DiagnosticTaskName,
  type FormulatedExample,
  formulate,
  formulateOne,
  mulberry32,
  type ScoredTaskName,
  SpanAlignmentError,
  shuffled,
  type TaskName,
  type TokenizerLike,
} from '@selfevo/superglue-datasets';
import { loadSplit, splitPath } from '@selfevo/superglue-datasets/node';
import {
  computeTaskMetrics,
  formatSubmissionFile,
  type GoldSet,
  goldFromRecords,
  majorityBaseline,
  type TaskMetricsResult,
} from '@selfevo/superglue-eval';
import { type ProgressMode, train } from '@selfevo/trainer';
import { plotTrainingLog } from '@selfevo/training-plots';
import { writeFileAtomic } from '@selfevo/utils/node';
import { capExamples, taskBatchSource } from './task-batches.js';
import { taskLoss } from './task-forward.js';
import { createTaskModel, type EncoderSource, type TaskModel } from './task-model.js';
import { predictTask } from './task-predict.js';
import type { TaskRecipe } from './task-recipes.js';

export interface FinetuneTaskOptions {
  task: ScoredTaskName;
  /** SuperGLUE folder with `<TASK>/{train,val,test}.jsonl`. */
  dataDir: string;
  /** This task's output folder (log, checkpoints, curves, predictions). */
  outDir: string;
  encoder: EncoderSource;
  tokenizer: TokenizerLike;
  recipe: TaskRecipe;
  /** Seeds the head init, dropout, data order and example caps. */
  seed: number;
  /** Cap on training model inputs (whole groups, seeded sample). */
  maxTrainExamples?: number;
  /** Cap on val records (official lines, seeded sample); the majority baseline uses the same ones. */
  maxEvalRecords?: number;
  /** Batch size for val/test prediction (default 2 × the training batch size). */
  evalBatchSize?: number;
  /** Predict `<TASK>/test.jsonl` when it exists (default true). */
  predictTest?: boolean;
  /** Diagnostics predicted with this task's model after training (AX-b, AX-g by the RTE model). */
  diagnostics?: DiagnosticTaskName[];
  progress?: ProgressMode;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** What the diagnostic files got from a trained model. */
export interface DiagnosticResult {
  task: DiagnosticTaskName;
  predictions: Map<string, unknown>;
  /** Scored when the diagnostic file carries labels (the official AX-b/AX-g files do). */
  metrics: TaskMetricsResult | null;
}

export interface FinetuneTaskResult {
  task: ScoredTaskName;
  recipe: TaskRecipe;
  trainRecords: number;
  /** Model inputs trained on (after the cap) and before it. */
  trainExamples: number;
  trainExamplesAvailable: number;
  /** Training inputs cut to `maxLength` by the tokenizer. */
  truncatedTrain: number;
  valRecords: number;
  valRecordsAvailable: number;
  steps: number;
  bestStep: number | null;
  val: TaskMetricsResult;
  /** Majority class of the train labels (ReCoRD: the passage's most frequent entity), on the same val records. */
  valMajority: TaskMetricsResult;
  testPredictions: Map<string, unknown> | null;
  diagnostics: DiagnosticResult[];
  timing: { totalMs: number; trainMs: number; evalMs: number; predictMs: number };
  speed: { trainTokens: number; trainTokensPerSecond: number; predictTokensPerSecond: number };
  logPath: string | null;
  plot: string | null;
  notes: string[];
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

function asJsonl(records: readonly unknown[]) {
  return records.map((value, i) => ({ line: i + 1, value }));
}

/** Loads, validates and formulates one split (strict: a bad line throws naming file, line and field); WiC/WSC records whose span the tokenizer cut away are listed in `unformulatedGold`. */
export async function loadFormulated<T extends TaskName>(
  task: T,
  split: 'train' | 'val' | 'test',
  dataDir: string,
  tokenizer: TokenizerLike,
  recipe: TaskRecipe,
  opts: { labelled?: boolean; maxRecords?: number; seed?: number } = {},
) {
  const loaded = await loadSplit(task, split, { dir: dataDir, labelled: opts.labelled });
  let records = loaded.records;
  const available = records.length;
  if (opts.maxRecords !== undefined && records.length > opts.maxRecords) {
    const keep = new Set(shuffled(records, mulberry32(opts.seed ?? 0)).slice(0, opts.maxRecords));
    records = records.filter((r) => keep.has(r));
  }
  // A WiC/WSC target that the tokenizer cut away (beyond `maxLength`) cannot be classified from its
  // span: such records are listed, left out of training, and get the majority class in val/test.
  const examples: FormulatedExample[] = [];
  const unformulated: typeof records = [];
  let firstError: string | null = null;
  for (const r of records) {
    try {
      examples.push(
        ...(formulateOne(task, r, tokenizer, {
          maxLength: recipe.maxLength,
          stride: Math.min(128, Math.floor(recipe.maxLength / 8)),
        }) as FormulatedExample[]),
      );
    } catch (e) {
      if (!(e instanceof SpanAlignmentError)) throw e;
      unformulated.push(r);
      firstError ??= e.message;
    }
  }
  const requireLabels = opts.labelled ?? split !== 'test';
  const gold = goldFromRecords(task, asJsonl(records), loaded.file, { requireLabels });
  const unformulatedGold =
    unformulated.length > 0
      ? goldFromRecords(task, asJsonl(unformulated), loaded.file, { requireLabels })
      : null;
  const note =
    unformulated.length > 0
      ? `${unformulated.length} ${split} record(s) without their span in the first ${recipe.maxLength} tokens ` +
        `(e.g. ${firstError}): ${split === 'train' ? 'left out of training' : 'predicted with the majority class'}`
      : null;
  return { file: loaded.file, records, available, examples, gold, unformulatedGold, note };
}

/** Model predictions plus the majority class for the records that could not be formulated. */
export function withFallback(
  task: TaskName,
  predictions: Map<string, unknown>,
  unformulatedGold: GoldSet | null,
  labelSource: GoldSet,
): Map<string, unknown> {
  if (!unformulatedGold) return predictions;
  const out = new Map(predictions);
  for (const [k, v] of majorityBaseline(task, unformulatedGold, labelSource)) out.set(k, v);
  return out;
}

function progressPrinter(log: (l: string) => void, label: string): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const tenth = Math.floor((10 * done) / total);
    if (tenth !== lastTenth && (tenth % 5 === 0 || done === total)) {
      lastTenth = tenth;
      log(`  ${label}: ${done}/${total} inputs`);
    }
  };
}

/**
 * Fine-tunes the encoder on one task: trains with AdamW + linear warmup/decay, evaluates on val
 * after every epoch (task score of `@selfevo/superglue-eval`), keeps the best epoch, then scores val
 * against the majority baseline and predicts the test file (and the diagnostics, for RTE).
 */
export async function finetuneTask(o: FinetuneTaskOptions): Promise<FinetuneTaskResult> {
  const log = o.log ?? defaultLog;
  const { task, recipe, tokenizer } = o;
  const t0 = performance.now();
  const padTokenId = tokenizer.padTokenId ?? 0;
  const notes: string[] = [];
  const evalBatchSize = o.evalBatchSize ?? recipe.batchSize * 2;

  const trainSplit = await loadFormulated(task, 'train', o.dataDir, tokenizer, recipe);
  if (trainSplit.note) notes.push(trainSplit.note);
  const trainExamples = capExamples(trainSplit.examples, o.maxTrainExamples, o.seed);
  const truncatedTrain = trainExamples.filter((e) => e.truncated).length;
  if (trainExamples.length < trainSplit.examples.length)
    notes.push(
      `trained on ${trainExamples.length} of ${trainSplit.examples.length} inputs (cap, seeded sample)`,
    );
  const valSplit = await loadFormulated(task, 'val', o.dataDir, tokenizer, recipe, {
    maxRecords: o.maxEvalRecords,
    seed: o.seed,
  });
  if (valSplit.note) notes.push(valSplit.note);
  if (valSplit.records.length < valSplit.available)
    notes.push(
      `val scored on ${valSplit.records.length} of ${valSplit.available} records (cap, seeded sample)`,
    );
  const valMajority = computeTaskMetrics(
    task,
    valSplit.gold,
    majorityBaseline(task, valSplit.gold, trainSplit.gold),
  );
  log(
    `${task}: ${trainSplit.records.length} train records → ${trainExamples.length} inputs` +
      ` (${truncatedTrain} truncated to ${recipe.maxLength}), ${valSplit.examples.length} val inputs`,
  );

  const { model, freshParameters } = createTaskModel(task, o.encoder, o.seed);
  try {
    const trainData = taskBatchSource(trainExamples, recipe.batchSize, padTokenId);
    const stepsPerEpoch = trainData.batchesPerEpoch!;
    const totalSteps = Math.ceil(recipe.epochs * stepsPerEpoch);
    let trainTokens = 0;
    let tokensSinceEval = 0;
    let evalMs = 0;
    let mark = performance.now();
    // Val predictions of every evaluation by step: the best one is the final val result (the
    // best weights are loaded back at the end, and eval is deterministic), no extra pass needed.
    const evals = new Map<number, Awaited<ReturnType<typeof runVal>>>();
    const runVal = async (m: TaskModel) => {
      const p = await predictTask(m, valSplit.examples, evalBatchSize, padTokenId);
      const predictions = withFallback(task, p.predictions, valSplit.unformulatedGold, trainSplit.gold);
      return { ...p, predictions, metrics: computeTaskMetrics(task, valSplit.gold, predictions) };
    };
    const trainStart = performance.now();
    const result = await train({
      model,
      lossFn: (m: TaskModel, batch, training) => {
        if (training) {
          trainTokens += batch.tokens;
          tokensSinceEval += batch.tokens;
        }
        return taskLoss(m, batch, training);
      },
      trainData,
      evalFn: async ({ step }) => {
        const start = performance.now();
        const trainTps = (1000 * tokensSinceEval) / Math.max(1, start - mark);
        const v = await runVal(model);
        evals.set(step, v);
        const end = performance.now();
        evalMs += end - start;
        tokensSinceEval = 0;
        mark = end;
        return {
          score: v.metrics.score ?? Number.NaN,
          ...v.metrics.metrics,
          train_tokens_per_s: trainTps,
          predict_tokens_per_s: (1000 * v.tokens) / Math.max(1, v.ms),
        };
      },
      metricForBest: 'score',
      greaterIsBetter: true,
      optimizer: { lr: recipe.learningRate, weightDecay: recipe.weightDecay },
      schedule: {
        schedule: 'linear',
        peakLr: recipe.learningRate,
        warmupSteps: Math.ceil(recipe.warmupRatio * totalSteps),
      },
      epochs: recipe.epochs,
      evalEverySteps: stepsPerEpoch,
      earlyStoppingPatience: recipe.earlyStoppingPatience > 0 ? recipe.earlyStoppingPatience : undefined,
      outputDir: o.outDir,
      overwriteOutputDir: true,
      saveTotalLimit: 1,
      loadBestModelAtEnd: true,
      logEverySteps: Math.max(1, Math.min(10, Math.floor(stepsPerEpoch / 2))),
      seed: o.seed,
      progress: o.progress,
    });
    const trainMs = performance.now() - trainStart;

    const tp = performance.now();
    const final =
      (result.bestStep !== null ? evals.get(result.bestStep) : undefined) ?? (await runVal(model));
    await writeFileAtomic(
      join(o.outDir, 'val-predictions.jsonl'),
      formatSubmissionFile(task, final.predictions, valSplit.gold),
    );
    let predictTokens = final.tokens;
    let predictWork = final.ms;
    let testPredictions: Map<string, unknown> | null = null;
    if ((o.predictTest ?? true) && existsSync(splitPath(task, 'test', o.dataDir))) {
      const test = await loadFormulated(task, 'test', o.dataDir, tokenizer, recipe, { labelled: false });
      const p = await predictTask(
        model,
        test.examples,
        evalBatchSize,
        padTokenId,
        progressPrinter(log, `${task} test`),
      );
      testPredictions = withFallback(task, p.predictions, test.unformulatedGold, trainSplit.gold);
      if (test.note) notes.push(test.note);
      predictTokens += p.tokens;
      predictWork += p.ms;
    } else if (o.predictTest ?? true) {
      notes.push(`no test file (${splitPath(task, 'test', o.dataDir)}): no test predictions`);
    }
    const diagnostics: DiagnosticResult[] = [];
    for (const diag of o.diagnostics ?? []) {
      const file = splitPath(diag, 'test', o.dataDir);
      if (!existsSync(file)) {
        notes.push(`${diag}: ${file} not found, not predicted`);
        continue;
      }
      const loaded = await loadSplit(diag, 'test', { dir: o.dataDir, labelled: false });
      const examples = formulate(diag, loaded.records, tokenizer, { maxLength: recipe.maxLength });
      const p = await predictTask(
        model,
        examples,
        evalBatchSize,
        padTokenId,
        progressPrinter(log, `${diag} (${task} model)`),
      );
      predictTokens += p.tokens;
      predictWork += p.ms;
      const gold = goldFromRecords(diag, asJsonl(loaded.records), loaded.file);
      const labelled = gold.kind === 'single' && gold.examples.every((e) => e.label !== undefined);
      diagnostics.push({
        task: diag,
        predictions: p.predictions,
        metrics: labelled ? computeTaskMetrics(diag, gold, p.predictions) : null,
      });
    }
    const predictMs = performance.now() - tp;

    let plot: string | null = null;
    if (result.logPath) {
      try {
        plot = (await plotTrainingLog(result.logPath, o.outDir, { title: `${task} fine-tuning` })).svgPath;
      } catch (e) {
        notes.push(`loss curve not plotted: ${(e as Error).message}`);
      }
    }
    if (freshParameters.length > 0 && o.encoder.weights)
      notes.push(`initialised fresh: ${freshParameters.join(', ')}`);
    const trainComputeMs = Math.max(1, trainMs - evalMs);
    return {
      task,
      recipe,
      trainRecords: trainSplit.records.length,
      trainExamples: trainExamples.length,
      trainExamplesAvailable: trainSplit.examples.length,
      truncatedTrain,
      valRecords: valSplit.records.length,
      valRecordsAvailable: valSplit.available,
      steps: result.step,
      bestStep: result.bestStep,
      val: final.metrics,
      valMajority,
      testPredictions,
      diagnostics,
      timing: { totalMs: performance.now() - t0, trainMs: trainComputeMs, evalMs, predictMs },
      speed: {
        trainTokens,
        trainTokensPerSecond: (1000 * trainTokens) / trainComputeMs,
        predictTokensPerSecond: (1000 * predictTokens) / Math.max(1, predictWork),
      },
      logPath: result.logPath,
      plot,
      notes,
    };
  } finally {
    model.dispose();
  }
}
