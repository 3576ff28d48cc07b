import { describeType } from './data/fields.js';
import type { SingleLabelTaskName, TaskName } from './tasks.js';

/** Native label of each task, as held in memory (and in the official labelled JSONL). */
export interface TaskLabelMap {
  BoolQ: boolean;
  CB: 'entailment' | 'contradiction' | 'neutral';
  COPA: 0 | 1;
  MultiRC: 0 | 1;
  ReCoRD: string;
  RTE: 'entailment' | 'not_entailment';
  WiC: boolean;
  WSC: boolean;
  'AX-b': 'entailment' | 'not_entailment';
  'AX-g': 'entailment' | 'not_entailment';
}
export type Label = TaskLabelMap[TaskName];

/**
 * The closed label set of each classification task, in a fixed order. The order breaks ties
 * (e.g. the majority class when two classes are equally frequent: the first listed wins).
 */
export const LABEL_SETS: { readonly [T in SingleLabelTaskName | 'MultiRC']: readonly TaskLabelMap[T][] } = {
  BoolQ: [false, true],
  CB: ['entailment', 'contradiction', 'neutral'],
  COPA: [0, 1],
  MultiRC: [0, 1],
  RTE: ['entailment', 'not_entailment'],
  WiC: [false, true],
  WSC: [false, true],
  'AX-b': ['entailment', 'not_entailment'],
  'AX-g': ['entailment', 'not_entailment'],
};

/** True when `v` is a legal native label for `task` (ReCoRD: any string). */
export function isLegalLabel(task: TaskName, v: unknown): boolean {
  if (task === 'ReCoRD') return typeof v === 'string';
  return (LABEL_SETS[task] as readonly unknown[]).includes(v);
}

/** Native label → the exact value the submission file holds (§3.2). */
export function toSubmissionLabel(task: TaskName, label: Label): string | number {
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
export function parseSubmissionLabel(task: TaskName, raw: unknown): ParseResult<Label> {
  const bad = (): ParseResult<Label> => ({
    ok: false,
    reason: `label ${JSON.stringify(raw)} (${describeType(raw)}) is not legal for ${task}: expected ${submissionLabelDescription(task)}`,
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
      return isLegalLabel(task, raw) ? { ok: true, value: raw as Label } : bad();
  }
}

/** Gold label as stored in the official labelled JSONL → native label (they coincide), or why not. */
export function parseGoldLabel(task: SingleLabelTaskName, raw: unknown): ParseResult<Label> {
  if (isLegalLabel(task, raw)) return { ok: true, value: raw as Label };
  return {
    ok: false,
    reason: `gold label ${JSON.stringify(raw)} (${describeType(raw)}) is not one of ${JSON.stringify(LABEL_SETS[task])}`,
  };
}
