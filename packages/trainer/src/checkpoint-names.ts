// Checkpoint folder names and the keep-last-k rule (no file system: shared by both builds).

/** The folder name of the checkpoint saved after `step` optimizer steps (HF: `checkpoint-<step>`). */
export function checkpointDirName(step: number): string {
  return `checkpoint-${step}`;
}

/**
 * The name of checkpoint `step` of run `run` in a checkpoint store (`trainWithStore`): in
 * messages, results and `resumeFrom`, `<run>/checkpoint-<step>`.
 */
export function storedCheckpointName(run: string, step: number): string {
  return `${run}/${checkpointDirName(step)}`;
}

/**
 * Which checkpoints to delete so at most `limit` of the newest remain, never deleting the best
 * one (HF `save_total_limit` semantics: the best is kept in addition, so up to `limit + 1` stay).
 */
export function checkpointsToDelete(
  steps: number[],
  limit: number | undefined,
  bestStep: number | null,
): number[] {
  if (limit === undefined || limit <= 0) return [];
  const sorted = [...steps].sort((a, b) => a - b);
  const keep = new Set(sorted.slice(-limit));
  if (bestStep !== null) keep.add(bestStep);
  return sorted.filter((s) => !keep.has(s));
}
