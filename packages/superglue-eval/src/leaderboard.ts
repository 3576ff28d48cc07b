import { LEADERBOARD_METRICS } from './metrics/task-metrics.js';
import { MAIN_TASKS, type MainTaskName, type TaskName } from './tasks.js';

/** Per-task metric values (any consistent scale: fractions or percentages). Diagnostics are ignored. */
export type LeaderboardRows = Partial<Record<TaskName, Readonly<Record<string, number>>>>;

export interface LeaderboardScore {
  /** Mean of the 8 task scores; `null` unless all 8 tasks are present. */
  score: number | null;
  /** Mean of the task scores that are present (equals `score` when none is missing). */
  partialScore: number | null;
  taskScores: Partial<Record<MainTaskName, number>>;
  missingTasks: MainTaskName[];
}

/**
 * SuperGLUE leaderboard score: each task's metrics are averaged first (CB F1/Acc, MultiRC F1a/EM,
 * ReCoRD F1/EM), then the plain mean of the 8 tasks. AX-b and AX-g are not part of it.
 * @throws RangeError when a present task lacks one of its metrics or holds a non-finite value.
 */
export function leaderboardScore(rows: LeaderboardRows): LeaderboardScore {
  const taskScores: Partial<Record<MainTaskName, number>> = {};
  const missingTasks: MainTaskName[] = [];
  for (const task of MAIN_TASKS) {
    const row = rows[task];
    if (!row) {
      missingTasks.push(task);
      continue;
    }
    const values = LEADERBOARD_METRICS[task].map((m) => {
      const v = row[m];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(
          `leaderboardScore: ${task} needs metric "${m}" (have ${Object.keys(row).join(', ') || 'none'})`,
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
