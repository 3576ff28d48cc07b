import { existsSync } from 'node:fs';
import { isScoredTask, type Split, submissionFileName, TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { readGoldFile, referenceFilePath } from './data/gold-file.js';
import { InvalidGoldError } from './errors.js';
import { parseOptions, ScoreFolderOptionsSchema } from './input-schemas.js';
import { type LeaderboardScore, leaderboardScore } from './leaderboard.js';
import { type InputLimits, resolveLimits } from './limits.js';
import { computeTaskMetrics, type TaskMetricsResult } from './metrics/task-metrics.js';
import { parseSubmissionFile } from './submission/parse.js';
import type { SubmissionProblem } from './submission/problems.js';
import { readSubmissionSource } from './submission/source.js';

/** Stand-in for a prediction that was present but unusable (bad label, duplicate idx): never legal. */
const UNPARSEABLE = Symbol('unparseable');

export interface TaskScoreEntry {
  task: TaskName;
  status: 'scored' | 'no reference file';
  referenceFile: string;
  /** False when the prediction file was absent (then every prediction counts as missing). */
  predictionFile: boolean;
  result?: TaskMetricsResult;
  /** Problems found while reading the prediction file. */
  problems: SubmissionProblem[];
}

export interface ScoreReport {
  split: Split;
  predictions: string;
  dataDir: string;
  tasks: TaskScoreEntry[];
  leaderboard: LeaderboardScore;
}

export interface ScoreFolderOptions {
  /** ReCoRD reference file (official labelled schema); default `<dataDir>/ReCoRD/<split>.jsonl`. */
  recordReference?: string;
  /** Limits on the prediction files and the zip (default `DEFAULT_LIMITS`). */
  limits?: Partial<InputLimits>;
}

/**
 * Scores prediction files in submission format (§3.2; a folder or zip) against the labelled files of
 * `dataDir` for `split` (AX-b/AX-g always use their single labelled file). Missing or unparseable
 * predictions and duplicate idx count as wrong and are reported; a missing file scores as all-missing.
 */
export async function scoreFolder(
  predDir: string,
  dataDir: string,
  split: Split = 'val',
  options: ScoreFolderOptions = {},
): Promise<ScoreReport> {
  parseOptions(ScoreFolderOptionsSchema, options);
  const limits = resolveLimits(options.limits);
  if (split === 'test') {
    throw new InvalidGoldError(
      'scoreFolder',
      'the official test files have no labels: score against val (or train)',
    );
  }
  const source = await readSubmissionSource(predDir, limits);
  const tasks: TaskScoreEntry[] = [];
  for (const task of TASKS) {
    const referenceFile =
      task === 'ReCoRD' && options.recordReference
        ? options.recordReference
        : referenceFilePath(dataDir, task, split);
    const file = submissionFileName(task);
    const text = source.files.get(file);
    if (!existsSync(referenceFile)) {
      tasks.push({
        task,
        status: 'no reference file',
        referenceFile,
        predictionFile: text !== undefined,
        problems: [],
      });
      continue;
    }
    const gold = await readGoldFile(task, referenceFile, {
      requireLabels: true,
      maxBytes: limits.maxReferenceFileBytes,
    });
    const predictions = new Map<string, unknown>();
    const problems: SubmissionProblem[] = [];
    if (text === undefined) {
      problems.push({
        severity: 'error',
        file,
        task,
        message: `no prediction file ${file}: every prediction counts as missing`,
      });
    } else {
      const parsed = parseSubmissionFile(task, text, file, limits);
      for (const p of parsed.problems) problems.push(p);
      for (const e of parsed.entries) predictions.set(e.key, e.label.ok ? e.label.value : UNPARSEABLE);
      for (const k of parsed.duplicates) predictions.set(k, UNPARSEABLE);
    }
    const result = computeTaskMetrics(task, gold, predictions);
    tasks.push({
      task,
      status: 'scored',
      referenceFile,
      predictionFile: text !== undefined,
      result,
      problems,
    });
  }
  const rows: Partial<Record<TaskName, Record<string, number>>> = {};
  for (const t of tasks) if (t.result && isScoredTask(t.task)) rows[t.task] = t.result.metrics;
  return { split, predictions: predDir, dataDir, tasks, leaderboard: leaderboardScore(rows) };
}
