// Submission files on disk (Node only; exported from `@selfevo/superglue-eval/node`).
import { join } from 'node:path';
import { writeFileAtomic } from '@selfevo/utils/node';
import {
  type PredictionsByTask,
  type SubmissionFilesOptions,
  submissionFiles,
  zipSubmissionFiles,
} from './zip.js';

export type { PredictionsByTask } from './zip.js';

export interface WriteSubmissionOptions extends SubmissionFilesOptions {
  /** Also write a zip of the files (at the archive's top level) to this path. */
  zipPath?: string;
}

export interface WrittenSubmission {
  dir: string;
  files: string[];
  zipPath?: string;
}

/**
 * Writes one submission file per task present in `predictionsByTask` (a full submission has all
 * ten: check with `validateSubmission`), each atomically, and optionally zips them with fflate
 * (the same bytes as `submissionZip` in the main entry).
 */
export async function writeSubmission(
  dir: string,
  predictionsByTask: PredictionsByTask,
  options: WriteSubmissionOptions = {},
): Promise<WrittenSubmission> {
  const contents = submissionFiles(predictionsByTask, options);
  const files: string[] = [];
  for (const [name, bytes] of Object.entries(contents)) {
    files.push(join(dir, name));
    await writeFileAtomic(join(dir, name), bytes);
  }
  if (options.zipPath) {
    await writeFileAtomic(options.zipPath, zipSubmissionFiles(contents));
    return { dir, files, zipPath: options.zipPath };
  }
  return { dir, files };
}
