import { UnknownTaskError } from './errors.js';

/** The ten SuperGLUE tasks, spelled as the official files and submissions spell them. */
export const TASKS = [
  'BoolQ',
  'CB',
  'COPA',
  'MultiRC',
  'ReCoRD',
  'RTE',
  'WiC',
  'WSC',
  'AX-b',
  'AX-g',
] as const;
export type TaskName = (typeof TASKS)[number];

/**
 * The eight main tasks: each has train/val/test files and is averaged into the leaderboard score.
 * (The diagnostics are scored too, but reported beside the average, not in it.)
 */
export const SCORED_TASKS = ['BoolQ', 'CB', 'COPA', 'MultiRC', 'ReCoRD', 'RTE', 'WiC', 'WSC'] as const;
export type ScoredTaskName = (typeof SCORED_TASKS)[number];

/** The two diagnostics, broad-coverage (AX-b) and Winogender (AX-g): one unlabelled file each. */
export const DIAGNOSTIC_TASKS = ['AX-b', 'AX-g'] as const;
export type DiagnosticTaskName = (typeof DIAGNOSTIC_TASKS)[number];

/** Tasks with a closed label set (everything except ReCoRD, whose answer is an entity string). */
export type ClassificationTaskName = Exclude<TaskName, 'ReCoRD'>;

/** Tasks with one label per `idx` (everything except MultiRC, labelled per answer, and ReCoRD). */
export type SingleLabelTaskName = Exclude<TaskName, 'MultiRC' | 'ReCoRD'>;

/** Whether `value` is one of the ten names, spelled exactly (see `parseTaskName` for aliases). */
export function isTaskName(value: string): value is TaskName {
  return EXACT.has(value);
}

const EXACT: ReadonlySet<string> = new Set(TASKS);
const BY_LOWER_CASE: ReadonlyMap<string, TaskName> = new Map(TASKS.map((t) => [t.toLowerCase(), t]));

/**
 * The allow-list every task name goes through before it becomes a path, a file name or a label
 * set: the official spelling, or a case-insensitive alias of it (`cb` → `CB`, `ax-b` → `AX-b`).
 * Anything else (`../x`, `MNLI`, `''`, a non-string) throws `UnknownTaskError` naming the value.
 */
export function parseTaskName(value: unknown): TaskName {
  if (typeof value === 'string') {
    if (EXACT.has(value)) return value as TaskName;
    const alias = BY_LOWER_CASE.get(value.toLowerCase());
    if (alias !== undefined) return alias;
  }
  throw new UnknownTaskError(value, TASKS);
}

export function isScoredTask(task: TaskName): task is ScoredTaskName {
  return (SCORED_TASKS as readonly string[]).includes(task);
}

export function isDiagnostic(task: TaskName): task is DiagnosticTaskName {
  return (DIAGNOSTIC_TASKS as readonly string[]).includes(task);
}

export function isSingleLabelTask(task: TaskName): task is SingleLabelTaskName {
  return task !== 'MultiRC' && task !== 'ReCoRD';
}
