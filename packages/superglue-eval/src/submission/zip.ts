import { parseTaskName, submissionFileName, TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { strToU8, zipSync } from 'fflate';
import type { GoldSet } from '../data/gold.js';
import { EvalOptionError } from '../errors.js';
import { parseOptions, WriteSubmissionOptionsSchema } from '../input-schemas.js';
import type { PredictionInput } from '../predictions.js';
import { formatSubmissionFile } from './format.js';

export type PredictionsByTask = Partial<Record<TaskName, PredictionInput>>;

export interface SubmissionFilesOptions {
  /** Reference data per task: lines follow its order and unknown idx are refused. */
  reference?: Partial<Record<TaskName, GoldSet>>;
}

/**
 * The submission files, in memory: official file name (`CB.jsonl`, `AX-b.jsonl`, …) → UTF-8 bytes,
 * one per task present in `predictionsByTask`, in the leaderboard's task order. Task keys go
 * through the allow-list (aliases such as `cb` are taken as `CB`; `MNLI` is refused).
 */
export function submissionFiles(
  predictionsByTask: PredictionsByTask,
  options: SubmissionFilesOptions = {},
): Record<string, Uint8Array> {
  parseOptions(WriteSubmissionOptionsSchema, options);
  const byTask: PredictionsByTask = {};
  for (const [key, preds] of Object.entries(predictionsByTask)) {
    const task = parseTaskName(key);
    if (byTask[task] !== undefined) throw new EvalOptionError(key, `a second entry for task ${task}`);
    byTask[task] = preds;
  }
  const contents: Record<string, Uint8Array> = {};
  for (const task of TASKS) {
    const preds = byTask[task];
    if (preds)
      contents[submissionFileName(task)] = strToU8(
        formatSubmissionFile(task, preds, options.reference?.[task]),
      );
  }
  return contents;
}

/** A zip of submission files (at the archive's top level), deterministic: fixed time stamps. */
export function zipSubmissionFiles(files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(files, { level: 9, mtime: new Date('2020-01-01T00:00:00Z') });
}

/**
 * The leaderboard zip, in memory (works in a browser: offer it as a download with
 * `new Blob([zip], { type: 'application/zip' })`). `writeSubmission` in the Node entry writes the
 * same files and the same zip to disk.
 */
export function submissionZip(
  predictionsByTask: PredictionsByTask,
  options: SubmissionFilesOptions = {},
): Uint8Array {
  return zipSubmissionFiles(submissionFiles(predictionsByTask, options));
}
