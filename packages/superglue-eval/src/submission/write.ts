import { join } from 'node:path';
import { parseTaskName, submissionFileName, TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { writeFileAtomic } from '@selfevo/utils/node';
import { strToU8, zipSync } from 'fflate';
import type { GoldSet } from '../data/gold.js';
import { EvalOptionError } from '../errors.js';
import { parseOptions, WriteSubmissionOptionsSchema } from '../input-schemas.js';
import type { PredictionInput } from '../predictions.js';
import { formatSubmissionFile } from './format.js';

export type PredictionsByTask = Partial<Record<TaskName, PredictionInput>>;

export interface WriteSubmissionOptions {
  /** Also write a zip of the files (at the archive's top level) to this path. */
  zipPath?: string;
  /** Reference data per task: lines follow its order and unknown idx are refused. */
  reference?: Partial<Record<TaskName, GoldSet>>;
}

export interface WrittenSubmission {
  dir: string;
  files: string[];
  zipPath?: string;
}

/**
 * Writes one submission file per task present in `predictionsByTask` (a full submission has all
 * ten: check with `validateSubmission`), each atomically, and optionally zips them with fflate.
 */
export async function writeSubmission(
  dir: string,
  predictionsByTask: PredictionsByTask,
  options: WriteSubmissionOptions = {},
): Promise<WrittenSubmission> {
  parseOptions(WriteSubmissionOptionsSchema, options);
  // Task keys through the allow-list (aliases such as `cb` are taken as `CB`; `MNLI` is refused).
  const byTask: PredictionsByTask = {};
  for (const [key, preds] of Object.entries(predictionsByTask)) {
    const task = parseTaskName(key);
    if (byTask[task] !== undefined) throw new EvalOptionError(key, `a second entry for task ${task}`);
    byTask[task] = preds;
  }
  const contents: Record<string, Uint8Array> = {};
  const files: string[] = [];
  for (const task of TASKS) {
    const preds = byTask[task];
    if (!preds) continue;
    const name = submissionFileName(task);
    const text = formatSubmissionFile(task, preds, options.reference?.[task]);
    contents[name] = strToU8(text);
    files.push(join(dir, name));
  }
  for (const [i, name] of Object.keys(contents).entries()) await writeFileAtomic(files[i], contents[name]);
  if (options.zipPath) {
    await writeFileAtomic(
      options.zipPath,
      zipSync(contents, { level: 9, mtime: new Date('2020-01-01T00:00:00Z') }),
    );
    return { dir, files, zipPath: options.zipPath };
  }
  return { dir, files };
}
