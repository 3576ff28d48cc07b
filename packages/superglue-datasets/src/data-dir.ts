import { isAbsolute, join, resolve } from 'node:path';
import { isDiagnostic, type Split, type TaskName } from './types.js';

/**
 * The folder holding `<TASK>/<split>.jsonl`: the explicit option first, then `SUPERGLUE_DIR`.
 * Throws when neither is set (use `downloadTask` to fill a cache folder instead).
 */
export function resolveDataDir(dir?: string): string {
  const chosen = dir ?? process.env.SUPERGLUE_DIR;
  if (chosen === undefined || chosen === '') {
    throw new Error(
      'no SuperGLUE folder: pass { dir } or set SUPERGLUE_DIR to a folder with <TASK>/{train,val,test}.jsonl',
    );
  }
  return isAbsolute(chosen) ? chosen : resolve(chosen);
}

/** Splits that exist for a task: the diagnostics have only `test` (their single file). */
export function splitsOf(task: TaskName): readonly Split[] {
  return isDiagnostic(task) ? ['test'] : ['train', 'val', 'test'];
}

/** Relative path of a split inside the SuperGLUE folder, as in the official zips. */
export function splitFileName(task: TaskName, split: Split): string {
  if (isDiagnostic(task)) {
    if (split !== 'test') throw new RangeError(`${task} has a single file; use split "test", not "${split}"`);
    return join(task, `${task}.jsonl`);
  }
  return join(task, `${split}.jsonl`);
}

/** Absolute path of `<dir>/<TASK>/<split>.jsonl` (`<dir>/AX-b/AX-b.jsonl` for the diagnostics). */
export function splitPath(task: TaskName, split: Split, dir?: string): string {
  return join(resolveDataDir(dir), splitFileName(task, split));
}

/** Whether a split carries labels: train and val do; test does not; the diagnostics may. */
export function isLabelledSplit(task: TaskName, split: Split): boolean {
  return !isDiagnostic(task) && split !== 'test';
}
