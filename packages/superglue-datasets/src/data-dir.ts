import { isAbsolute, join, resolve } from 'node:path';
import { parseTaskName, type Split, splitFile, type TaskName } from '@selfevo/superglue-tasks';
import { MissingDataError } from './errors.js';

/**
 * The folder holding `<TASK>/<split>.jsonl`: the explicit option first, then `SUPERGLUE_DIR`.
 * Throws `MissingDataError` when neither is set (use `downloadTask` to fill a cache folder instead).
 */
export function resolveDataDir(dir?: string): string {
  const chosen = dir ?? process.env.SUPERGLUE_DIR;
  if (chosen === undefined || chosen === '') {
    throw new MissingDataError(
      'no SuperGLUE folder: pass { dir } or set SUPERGLUE_DIR to a folder with <TASK>/{train,val,test}.jsonl',
    );
  }
  return isAbsolute(chosen) ? chosen : resolve(chosen);
}

/**
 * Relative path of a split inside the SuperGLUE folder, as in the official zips (`CB/train.jsonl`,
 * `AX-b/AX-b.jsonl`); throws `UnknownSplitError` for a split the task lacks (the diagnostics have
 * only `test`) and `UnknownTaskError` for a name outside the allow-list (aliases: `cb` → `CB/…`).
 */
export function splitFileName(name: TaskName, split: Split): string {
  const task = parseTaskName(name);
  return join(task, splitFile(task, split));
}

/** Absolute path of `<dir>/<TASK>/<split>.jsonl` (`<dir>/AX-b/AX-b.jsonl` for the diagnostics). */
export function splitPath(task: TaskName, split: Split, dir?: string): string {
  return join(resolveDataDir(dir), splitFileName(task, split));
}
