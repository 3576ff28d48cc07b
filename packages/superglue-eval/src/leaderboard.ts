import { parseTaskName, SCORED_TASKS, type ScoredTaskName, type TaskName } from '@selfevo/superglue-tasks';
import { MetricInputError } from './errors.js';
import { LEADERBOARD_METRICS } from './metrics/task-metrics.js';

/** Per-task metric values (any consistent scale: fractions or percentages). Diagnostics are ignored. */
export type LeaderboardRows = Partial<Record<TaskName, Readonly<Record<string, number>>>>;

export interface LeaderboardScore {
  /** Mean of the 8 task scores; `null` unless all 8 tasks are present. */
  score: number | null;
  /** Mean of the task scores that are present (equals `score` when none is missing). */
  partialScore: number | null;
  taskScores: Partial<Record<ScoredTaskName, number>>;
  missingTasks: ScoredTaskName[];
}

/**
 * SuperGLUE leaderboard score: each task's metrics are averaged first (CB F1/Acc, MultiRC F1a/EM,
 * ReCoRD F1/EM), then the plain mean of the 8 tasks. AX-b and AX-g are not part of it.
 * @throws RangeError when a present task lacks one of its metrics or holds a non-finite value.
 */
export function leaderboardScore(input: LeaderboardRows): LeaderboardScore {
  // Keys through the allow-list: a misspelt task is an error, not a silently missing one.
  const rows: LeaderboardRows = {};
  for (const [key, row] of Object.entries(input)) rows[parseTaskName(key)] = row;
  const taskScores: Partial<Record<ScoredTaskName, number>> = {};
  const missingTasks: ScoredTaskName[] = [];
  for (const task of SCORED_TASKS) {
    const row = rows[task];
    if (!row) {
      missingTasks.push(task);
      continue;
    }
    const values = LEADERBOARD_METRICS[task].map((m) => {
      const v = row[m];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new MetricInputError(
          'leaderboardScore',
          `${task} needs metric "${m}" (have ${Object.keys(row).join(', ') || 'none'})`,
        );
      }
      return v;
    });
    taskScores[task] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  const present = Object.values(taskScores) as number[];
  const partialScore = present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
  return { score: missingTasks.length === 0 ? partialScore : null, partialScore, taskScores, missingTasks };
}
