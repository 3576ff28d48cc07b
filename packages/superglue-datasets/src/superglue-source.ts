import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTaskName, type TaskName } from '@selfevo/superglue-tasks';
import { type DownloadOptions, downloadTask } from './download-task.js';
import { MissingDataError } from './errors.js';
import { parseOptions, SourceOptionsSchema } from './input-schemas.js';

export interface SourceOptions {
  /** A local folder with `<TASK>/…jsonl` (default: `SUPERGLUE_DIR`). */
  dir?: string;
  /** When the task is not in the local folder (or none is set), download it with these options. */
  download?: DownloadOptions | boolean;
}

/**
 * The folder to read `task` from: the local folder (option or `SUPERGLUE_DIR`) when it holds the
 * task, else a download into the cache when `download` is set. Throws when neither works.
 */
export async function ensureTask(name: TaskName, options: SourceOptions = {}): Promise<string> {
  const task = parseTaskName(name);
  parseOptions(SourceOptionsSchema, options);
  const local = options.dir ?? process.env.SUPERGLUE_DIR;
  if (local && existsSync(join(resolve(local), task))) return resolve(local);
  if (options.download) {
    const result = await downloadTask(task, options.download === true ? {} : options.download);
    return result.dir;
  }
  throw new MissingDataError(
    local
      ? `${task} is not in ${resolve(local)} (expected ${join(resolve(local), task)}); pass { download } to fetch it`
      : `no SuperGLUE folder for ${task}: pass { dir }, set SUPERGLUE_DIR, or pass { download }`,
  );
}
