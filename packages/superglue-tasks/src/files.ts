import { UnknownSplitError } from './errors.js';
import { isDiagnostic, parseTaskName, type TaskName } from './tasks.js';
import { previewValue } from './value-preview.js';

export const SPLITS = ['train', 'val', 'test'] as const;
/** `train`/`val`/`test` for the main tasks; the diagnostics have the single split `test`. */
export type Split = (typeof SPLITS)[number];

/** The splits a task has: the diagnostics only `test` (their single file). */
export function splitsOf(task: TaskName): readonly Split[] {
  return isDiagnostic(parseTaskName(task)) ? ['test'] : SPLITS;
}

/** Whether a split carries labels: train and val do; test does not, nor do the diagnostics. */
export function isLabelledSplit(task: TaskName, split: Split): boolean {
  return !isDiagnostic(parseTaskName(task)) && split !== 'test';
}

/**
 * A split's file name inside the task's folder, as in the official zips: `train.jsonl`,
 * `val.jsonl`, `test.jsonl`; for the diagnostics `AX-b.jsonl` / `AX-g.jsonl` (split `test`).
 * Throws `UnknownSplitError` for a split the task does not have, `UnknownTaskError` for a name
 * outside the allow-list (`parseTaskName`).
 */
export function splitFile(name: TaskName, split: Split): string {
  const task = parseTaskName(name);
  if (!(SPLITS as readonly string[]).includes(split))
    throw new UnknownSplitError(
      task,
      split,
      `unknown split ${previewValue(split)} (expected ${SPLITS.join(', ')})`,
    );
  if (isDiagnostic(task)) {
    if (split !== 'test')
      throw new UnknownSplitError(task, split, `${task} has a single file; use split "test", not "${split}"`);
    return `${task}.jsonl`;
  }
  return `${split}.jsonl`;
}

/** A split's path relative to the SuperGLUE folder, with `/`: `CB/train.jsonl`, `AX-b/AX-b.jsonl`. */
export function splitPathInData(name: TaskName, split: Split): string {
  const task = parseTaskName(name);
  return `${task}/${splitFile(task, split)}`;
}

/** A task's file name in a leaderboard submission (`BoolQ.jsonl`, …, `AX-b.jsonl`, `AX-g.jsonl`). */
export function submissionFileName(task: TaskName): string {
  return `${parseTaskName(task)}.jsonl`;
}
