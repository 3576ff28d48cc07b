import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DiagnosticTaskName,
  SCORED_TASKS,
  type ScoredTaskName,
  TASKS,
  type TaskName,
  type TokenizerLike,
} from '@selfevo/superglue-datasets';
import { loadSplit, splitPath } from '@selfevo/superglue-datasets/node';
import {
  computeTaskMetrics,
  type GoldSet,
  goldFromRecords,
  majorityBaseline,
  type PredictionsByTask,
} from '@selfevo/superglue-eval';
import { validateSubmission, writeSubmission } from '@selfevo/superglue-eval/node';
import type { ProgressMode } from '@selfevo/trainer';
import { writeFileAtomic } from '@selfevo/utils/node';
import { FinetuneConfigError } from './errors.js';
import { type FinetuneTaskResult, finetuneTask } from './finetune-task.js';
import { formatSuperGlueReport, type SuperGlueReport, type TaskReport } from './superglue-report.js';
import type { EncoderSource } from './task-model.js';
import { resolveRecipe, type TaskRecipe } from './task-recipes.js';

export interface RunSuperGlueOptions {
  /** SuperGLUE folder with `<TASK>/{train,val,test}.jsonl`, `AX-b/AX-b.jsonl`, `AX-g/AX-g.jsonl`. */
  dataDir: string;
  /** Output folder: `<TASK>/` runs, `submission/` + `submission.zip`, `report.md`, `report.json`. */
  outDir: string;
  encoder: EncoderSource;
  tokenizer: TokenizerLike;
  /** Tasks to fine-tune (default: all eight). The others get majority-class test predictions. */
  tasks?: readonly ScoredTaskName[];
  /** Overrides of the recipe table for every task. */
  overrides?: Partial<TaskRecipe>;
  /** Per-task overrides (applied after `overrides`). */
  taskOverrides?: Partial<Record<ScoredTaskName, Partial<TaskRecipe>>>;
  /** One epoch, inputs ≤ 128 tokens (see `QUICK_RECIPE`). */
  quick?: boolean;
  seed?: number;
  maxTrainExamples?: number;
  maxEvalRecords?: number;
  progress?: ProgressMode;
  log?: (line: string) => void;
  /** Shown in the report (backend, model, command line, ...). */
  runInfo?: Record<string, string | number | boolean | null>;
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `readGold` for the fallback paths: an unreadable file is a warning, not the end of the run. */
async function readGoldOrWarn(
  task: TaskName,
  split: 'train' | 'val' | 'test',
  dataDir: string,
  warnings: string[],
): Promise<GoldSet | null> {
  try {
    return await readGold(task, split, dataDir);
  } catch (e) {
    warnings.push(`${task} ${split}: unreadable (${(e as Error).message}); not used`);
    return null;
  }
}

async function readGold(
  task: TaskName,
  split: 'train' | 'val' | 'test',
  dataDir: string,
): Promise<GoldSet | null> {
  const file = splitPath(task, split, dataDir);
  if (!existsSync(file)) return null;
  const loaded = await loadSplit(task, split, { dir: dataDir, labelled: split !== 'test' });
  return goldFromRecords(
    task,
    loaded.records.map((value, i) => ({ line: i + 1, value })),
    loaded.file,
    { requireLabels: split !== 'test' },
  );
}

function fmtDuration(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * Fine-tunes `encoder` on every selected task whose train and val files exist, scores val against
 * the majority-class baseline of the same files, predicts every test file (AX-b and AX-g with the
 * RTE model), writes the ten submission files + zip, validates them, and writes `report.md` and
 * `report.json`. Tasks that cannot be trained get majority-class predictions, and the report says so.
 */
export async function runSuperGlue(o: RunSuperGlueOptions): Promise<SuperGlueReport> {
  const log = o.log ?? defaultLog;
  const seed = o.seed ?? 42;
  const selected = o.tasks ?? SCORED_TASKS;
  for (const t of selected)
    if (!(SCORED_TASKS as readonly string[]).includes(t))
      throw new FinetuneConfigError(
        'tasks',
        `unknown task ${JSON.stringify(t)} (expected one of ${SCORED_TASKS.join(', ')})`,
      );
  const vocab = (o.tokenizer as { getVocabSize?: () => number }).getVocabSize?.();
  if (vocab !== undefined && vocab > o.encoder.config.vocabSize)
    throw new FinetuneConfigError(
      'tokenizer',
      `tokenizer has ${vocab} tokens but the encoder's vocab_size is ${o.encoder.config.vocabSize} (${o.encoder.origin}): wrong --tokenizer?`,
    );
  await mkdir(o.outDir, { recursive: true });
  const started = performance.now();
  const taskReports: TaskReport[] = [];
  const testPredictions: PredictionsByTask = {};
  const testSource: Partial<Record<TaskName, string>> = {};
  const reference: Partial<Record<TaskName, GoldSet>> = {};
  const warnings: string[] = [];
  const noTestFile: TaskName[] = [];
  const results = new Map<ScoredTaskName, FinetuneTaskResult>();

  for (const task of SCORED_TASKS) {
    let recipe = resolveRecipe(task, { ...o.overrides, ...o.taskOverrides?.[task] }, o.quick);
    const maxPositions = o.encoder.config.maxPositionEmbeddings;
    const clampNote =
      recipe.maxLength > maxPositions
        ? `max length ${recipe.maxLength} clamped to the encoder's max_position_embeddings ${maxPositions}`
        : null;
    if (clampNote) recipe = { ...recipe, maxLength: maxPositions };
    const trainFile = splitPath(task, 'train', o.dataDir);
    const valFile = splitPath(task, 'val', o.dataDir);
    const isSelected = selected.includes(task);
    const missing = [trainFile, valFile].filter((f) => !existsSync(f));
    let failure: string | null = null;
    let r: FinetuneTaskResult | null = null;
    if (isSelected && missing.length === 0) {
      log(`\n=== ${task} ===`);
      if (clampNote) log(`${task}: ${clampNote}`);
      try {
        r = await finetuneTask({
          task,
          dataDir: o.dataDir,
          outDir: join(o.outDir, task),
          encoder: o.encoder,
          tokenizer: o.tokenizer,
          recipe,
          seed,
          maxTrainExamples: o.maxTrainExamples,
          maxEvalRecords: o.maxEvalRecords,
          diagnostics: task === 'RTE' ? ['AX-b', 'AX-g'] : [],
          progress: o.progress,
          log,
        });
      } catch (e) {
        // One task's failure must not lose the others: it is reported, and its test file gets
        // the majority class like an untrained task.
        failure = `failed: ${(e as Error).name}: ${(e as Error).message}`;
        log(`${task}: ${failure}`);
        warnings.push(`${task} ${failure}`);
      }
    }
    if (r !== null) {
      results.set(task, r);
      log(
        `${task}: val score ${((r.val.score ?? 0) * 100).toFixed(1)} (majority ${((r.valMajority.score ?? 0) * 100).toFixed(1)})` +
          ` in ${fmtDuration(r.timing.totalMs)}, ${Math.round(r.speed.trainTokensPerSecond)} train tokens/s`,
      );
      taskReports.push({
        task,
        status: 'trained',
        recipe,
        val: r.val,
        valMajority: r.valMajority,
        majoritySource: task === 'ReCoRD' ? 'most frequent entity of each passage' : 'train labels',
        trainRecords: r.trainRecords,
        trainExamples: r.trainExamples,
        trainExamplesAvailable: r.trainExamplesAvailable,
        truncatedTrain: r.truncatedTrain,
        valRecords: r.valRecords,
        steps: r.steps,
        bestStep: r.bestStep,
        timing: r.timing,
        speed: r.speed,
        logPath: r.logPath,
        plot: r.plot,
        notes: clampNote ? [clampNote, ...r.notes] : r.notes,
      });
      if (r.testPredictions) {
        testPredictions[task] = r.testPredictions;
        testSource[task] = 'model';
      }
      for (const d of r.diagnostics) {
        testPredictions[d.task] = d.predictions;
        testSource[d.task] = `${task} model`;
      }
      continue;
    }
    // Not trained: say why, and score the majority class of whatever labels exist.
    const reason =
      failure ??
      (!isSelected
        ? 'not selected (--tasks)'
        : `not trained: ${missing.map((f) => `${f} not found`).join('; ')}`);
    if (isSelected && !failure) log(`\n=== ${task} === skipped: ${reason}`);
    const trainGold = await readGoldOrWarn(task, 'train', o.dataDir, warnings);
    const valGold = await readGoldOrWarn(task, 'val', o.dataDir, warnings);
    const labelSource = trainGold ?? valGold;
    const notes = [reason];
    let valMajority = null;
    if (valGold) {
      valMajority = computeTaskMetrics(
        task,
        valGold,
        majorityBaseline(task, valGold, labelSource ?? valGold),
      );
    } else notes.push(`no val file (${valFile}): no val baseline`);
    taskReports.push({
      task,
      status: failure ? 'failed' : isSelected ? 'skipped' : 'not selected',
      recipe,
      val: null,
      valMajority,
      majoritySource: !valGold
        ? null
        : task === 'ReCoRD'
          ? 'most frequent entity of each passage'
          : trainGold
            ? 'train labels'
            : 'val labels (no usable train file)',
      notes,
    });
  }

  // Test predictions for the tasks without a model: majority class of the labels that exist.
  for (const task of TASKS) {
    const test = await readGoldOrWarn(task, 'test', o.dataDir, warnings);
    if (test) reference[task] = test;
    if (testPredictions[task]) continue;
    const isDiag = task === 'AX-b' || task === 'AX-g';
    if (!test) {
      // No test file, no test queries: nothing honest can be predicted. The file is left out and
      // the report says so (the validator then flags it as missing).
      noTestFile.push(task);
      warnings.push(
        `${task}: no test file (${splitPath(task, 'test', o.dataDir)}), so ${task}.jsonl cannot be written; ` +
          'put the official test file there to complete the submission',
      );
      continue;
    }
    const sourceTask: TaskName = isDiag ? 'RTE' : task;
    const trainLabels =
      task === 'ReCoRD' ? null : await readGoldOrWarn(sourceTask, 'train', o.dataDir, warnings);
    const labels =
      task === 'ReCoRD'
        ? test
        : (trainLabels ?? (await readGoldOrWarn(sourceTask, 'val', o.dataDir, warnings)));
    if (!labels) {
      warnings.push(
        `${task}: no labelled ${sourceTask} file for a majority class; its submission file is missing`,
      );
      continue;
    }
    testPredictions[task] = majorityBaseline(task, test, labels);
    testSource[task] =
      task === 'ReCoRD'
        ? 'majority: most frequent entity of each passage'
        : `majority class of ${sourceTask} ${trainLabels ? 'train' : 'val'} labels` +
          (isDiag ? ' (RTE not trained)' : '');
  }

  const submissionDir = join(o.outDir, 'submission');
  const zipPath = join(o.outDir, 'submission.zip');
  await mkdir(submissionDir, { recursive: true });
  await writeSubmission(submissionDir, testPredictions, { zipPath, reference });
  const validation = await validateSubmission(zipPath, o.dataDir);
  // Valid apart from the files that could not be written for lack of a test file?
  const otherErrors = validation.problems.filter(
    (p) =>
      p.severity === 'error' &&
      !(p.task && noTestFile.includes(p.task) && p.message.startsWith('missing file')),
  );
  const validExceptMissing = otherErrors.length === 0;
  log(
    `\nsubmission ${zipPath}: ${
      validation.ok
        ? 'valid'
        : validExceptMissing
          ? `valid except the missing ${noTestFile.join(', ')} file(s) (no test data)`
          : 'INVALID'
    }`,
  );

  const diagnostics = [...results.values()].flatMap((r) =>
    r.diagnostics.map((d) => ({ task: d.task as DiagnosticTaskName, metrics: d.metrics })),
  );
  const report: SuperGlueReport = {
    createdAt: new Date().toISOString(),
    dataDir: o.dataDir,
    encoder: o.encoder.weights ? o.encoder.origin : `random init (${o.encoder.origin})`,
    seed,
    quick: o.quick ?? false,
    maxTrainExamples: o.maxTrainExamples ?? null,
    maxEvalRecords: o.maxEvalRecords ?? null,
    runInfo: o.runInfo ?? {},
    wallMs: performance.now() - started,
    tasks: taskReports,
    diagnostics,
    submission: {
      dir: submissionDir,
      zip: zipPath,
      valid: validation.ok,
      validExceptMissingTestFiles: validExceptMissing,
      missingTestFiles: noTestFile,
      files: validation.tasks.map((t) => ({
        task: t.task,
        file: t.file,
        status: t.status,
        predictions: t.predictions,
        expected: t.expected,
        source: testSource[t.task] ?? 'none',
      })),
      problems: validation.problems.map(
        (p) => `${p.severity}: ${p.file}${p.line ? `:${p.line}` : ''} ${p.message}`,
      ),
    },
    warnings: [...new Set(warnings)],
  };
  const { markdown, json } = formatSuperGlueReport(report);
  await writeFileAtomic(join(o.outDir, 'report.md'), markdown);
  await writeFileAtomic(join(o.outDir, 'report.json'), json);
  return report;
}
