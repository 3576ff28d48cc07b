// How labels are written in submission files (§3.2) and read back. The label sets and their
// order are the SuperGLUE schema of @selfevo/superglue-tasks.
import {
  isLabel,
  LABELS,
  type Label,
  parseTaskName,
  previewValue,
  type SingleLabelTaskName,
  type TaskName,
} from '@selfevo/superglue-tasks';
import { describeType } from './data/fields.js';

/** Native label → the exact value the submission file holds (§3.2). */
export function toSubmissionLabel(name: TaskName, label: Label): string | number {
  const task = parseTaskName(name);
  switch (task) {
    case 'BoolQ':
    case 'WiC':
      return label ? 'true' : 'false';
    case 'WSC':
      return label ? 'True' : 'False';
    default:
      return label as string | number;
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The legal submission values of a task, for messages. */
export function submissionLabelDescription(task: TaskName): string {
  switch (task) {
    case 'BoolQ':
    case 'WiC':
      return 'the string "true" or "false" (lowercase)';
    case 'WSC':
      return 'the string "True" or "False" (capitalised)';
    case 'COPA':
    case 'MultiRC':
      return 'the integer 0 or 1';
    case 'ReCoRD':
      return 'a string (the predicted entity text)';
    case 'CB':
      return 'one of the strings "entailment", "contradiction", "neutral"';
    default:
      return 'one of the strings "entailment", "not_entailment"';
  }
}

/** Submission value → native label, or the reason it is not legal for the task. */
export function parseSubmissionLabel(name: TaskName, raw: unknown): ParseResult<Label> {
  const task = parseTaskName(name);
  const bad = (): ParseResult<Label> => ({
    ok: false,
    reason: `label ${previewValue(raw)} (${describeType(raw)}) is not legal for ${task}: expected ${submissionLabelDescription(task)}`,
  });
  switch (task) {
    case 'BoolQ':
    case 'WiC':
      if (raw === 'true') return { ok: true, value: true };
      if (raw === 'false') return { ok: true, value: false };
      return bad();
    case 'WSC':
      if (raw === 'True') return { ok: true, value: true };
      if (raw === 'False') return { ok: true, value: false };
      return bad();
    case 'ReCoRD':
      return typeof raw === 'string' ? { ok: true, value: raw } : bad();
    default:
      return isLabel(task, raw) ? { ok: true, value: raw as Label } : bad();
  }
}

/** Gold label as stored in the official labelled JSONL → native label (they coincide), or why not. */
export function parseGoldLabel(task: SingleLabelTaskName, raw: unknown): ParseResult<Label> {
  if (isLabel(task, raw)) return { ok: true, value: raw as Label };
  return {
    ok: false,
    reason: `gold label ${previewValue(raw)} (${describeType(raw)}) is not one of ${JSON.stringify(LABELS[task])}`,
  };
}
