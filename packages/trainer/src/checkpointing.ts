import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type AdamW, loadCheckpoint, type SeededRandom, saveCheckpoint } from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import { checkpointDirName, checkpointsToDelete, listCheckpoints } from './checkpoint-dirs.js';
import type { TrainerState } from './trainer-state.js';

/**
 * The run's checkpoints in `outputDir`: `checkpoint-<step>/` with the TRAINED parameters, the
 * optimizer moments, the seed stream and the trainer state (frozen parameters are not stored,
 * only their fingerprint in the state). At most `saveTotalLimit` newest are kept, plus the best.
 */
export class CheckpointKeeper {
  /** The newest checkpoint written (or resumed from), and its step. */
  last: string | null;
  lastStep: number | null;

  constructor(
    private readonly outputDir: string,
    private readonly contents: { params: Map<string, tf.Variable>; optimizer: AdamW; rng: SeededRandom },
    private readonly saveTotalLimit: number | undefined,
    resumedFrom: { dir: string; step: number } | null,
  ) {
    this.last = resumedFrom?.dir ?? null;
    this.lastStep = resumedFrom?.step ?? null;
  }

  /** Save `state` as `checkpoint-<state.step>` (atomic), then delete the ones over the limit. */
  async save(state: TrainerState, bestStep: number | null): Promise<string> {
    const dir = join(this.outputDir, checkpointDirName(state.step));
    await saveCheckpoint(dir, { ...this.contents, step: state.step, extra: { trainer: state } });
    this.last = dir;
    this.lastStep = state.step;
    const steps = (await listCheckpoints(this.outputDir)).map((c) => c.step);
    for (const s of checkpointsToDelete(steps, this.saveTotalLimit, bestStep))
      await rm(join(this.outputDir, checkpointDirName(s)), { recursive: true, force: true });
    return dir;
  }

  /** The folder of the best step's checkpoint, if it still exists. */
  async bestDir(bestStep: number | null): Promise<string | null> {
    if (bestStep === null) return null;
    const all = await listCheckpoints(this.outputDir);
    return all.some((c) => c.step === bestStep) ? join(this.outputDir, checkpointDirName(bestStep)) : null;
  }

  /** Load the trained parameters of checkpoint `dir` into the model (the optimizer is left alone). */
  async loadWeights(dir: string): Promise<void> {
    await loadCheckpoint(dir, { params: this.contents.params });
  }
}
