import { rm } from 'node:fs/promises';
import { type AdamW, loadCheckpoint, type SeededRandom } from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import { latestCheckpoint, listCheckpoints, removeLeftovers } from './checkpoint-dirs.js';
import { ResumeError, TrainerConfigError } from './errors.js';
import { checkResumedState, type TrainerState } from './trainer-state.js';

export interface ResumeOptions {
  outputDir?: string;
  resumeFrom?: 'latest' | string;
  overwriteOutputDir?: boolean;
}

/** Where a run starts: its state, and the checkpoint it resumed from (null for a fresh start). */
export interface RunStart {
  state: TrainerState;
  resumeDir: string | null;
}

/**
 * Resolve `resumeFrom` and tidy `outputDir`: leftovers of a killed save are cleaned; checkpoints
 * already there are refused (or deleted with `overwriteOutputDir`) unless the run resumes.
 * Returns the checkpoint folder to resume from, or null.
 */
async function prepareOutputDir(o: ResumeOptions): Promise<string | null> {
  if (o.outputDir) await removeLeftovers(o.outputDir);
  let resumeDir: string | null = null;
  if (o.resumeFrom !== undefined)
    resumeDir = o.resumeFrom === 'latest' ? await latestCheckpoint(o.outputDir!) : o.resumeFrom;
  if (o.outputDir && !resumeDir) {
    const existing = await listCheckpoints(o.outputDir);
    if (existing.length > 0) {
      if (!o.overwriteOutputDir)
        throw new TrainerConfigError(
          `${o.outputDir} already holds checkpoints (${existing.map((c) => c.step).join(', ')}); ` +
            `pass resumeFrom: 'latest' to continue, or overwriteOutputDir: true to start over`,
        );
      for (const c of existing) await rm(c.dir, { recursive: true, force: true });
    }
  }
  return resumeDir;
}

/**
 * A fresh start (`fresh`), or the state of the checkpoint to resume from, whose trained
 * parameters, optimizer moments and seed-stream state are loaded into `into` (exact resume).
 */
export async function startOrResume(
  o: ResumeOptions,
  fresh: TrainerState,
  into: { params: Map<string, tf.Variable>; optimizer: AdamW; rng: SeededRandom },
): Promise<RunStart> {
  const resumeDir = await prepareOutputDir(o);
  if (!resumeDir) return { state: fresh, resumeDir: null };
  let extra: Record<string, unknown>;
  try {
    ({ extra } = await loadCheckpoint(resumeDir, into));
  } catch (err) {
    // A checkpoint of another run (other parameters, seed, length) says so rather than what failed to load.
    const saved = await loadCheckpoint(resumeDir, { params: new Map() }).catch(() => null);
    if (saved) checkResumedState(saved.extra.trainer, fresh, resumeDir);
    throw new ResumeError(`cannot resume from ${resumeDir}: ${(err as Error).message}`);
  }
  return { state: checkResumedState(extra.trainer, fresh, resumeDir), resumeDir };
}
