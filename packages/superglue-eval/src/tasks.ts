/** The ten SuperGLUE task names, spelled exactly as the official submission files. */
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

/** The eight tasks averaged into the leaderboard score. */
export const MAIN_TASKS = ['BoolQ', 'CB', 'COPA', 'MultiRC', 'ReCoRD', 'RTE', 'WiC', 'WSC'] as const;
export type MainTaskName = (typeof MAIN_TASKS)[number];

/** The two diagnostics, reported beside the leaderboard score but not averaged into it. */
export const DIAGNOSTIC_TASKS = ['AX-b', 'AX-g'] as const;
export type DiagnosticTaskName = (typeof DIAGNOSTIC_TASKS)[number];

/** Tasks with one label per `idx` (everything except MultiRC and ReCoRD). */
export type SingleLabelTaskName = Exclude<TaskName, 'MultiRC' | 'ReCoRD'>;

export type Split = 'train' | 'val' | 'test';

export function isTaskName(name: string): name is TaskName {
  return (TASKS as readonly string[]).includes(name);
}

export function isMainTask(task: TaskName): task is MainTaskName {
  return (MAIN_TASKS as readonly string[]).includes(task);
}

export function isSingleLabelTask(task: TaskName): task is SingleLabelTaskName {
  return task !== 'MultiRC' && task !== 'ReCoRD';
}

/** File name of a task inside a submission (`BoolQ.jsonl`, …, `AX-g.jsonl`). */
export function submissionFileName(task: TaskName): string {
  return `${task}.jsonl`;
}
