import { rm } from 'node:fs/promises';
import {
  type AdamW,
  applyCheckpoint,
  type CheckpointData,
  CheckpointError,
  readCheckpoint,
  type SeededRandom,
} from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import { listCheckpoints, moveAsideDamaged, removeLeftovers } from './checkpoint-dirs.js';
import { ResumeError, TrainerConfigError } from './errors.js';
import {
  checkResumedState,
  DamagedTrainerState,
  parseTrainerState,
  type TrainerState,
} from './trainer-state.js';

export interface ResumeOptions {
  outputDir?: string;
  resumeFrom?: 'latest' | string;
  overwriteOutputDir?: boolean;
}

/** A damaged checkpoint `resumeFrom: 'latest'` passed over, why, and where it was moved. */
export interface SkippedCheckpoint {
  /** The checkpoint folder as it was named (`…/checkpoint-N`). */
  dir: string;
  /** What is damaged (names the file, and the field for a damaged trainer state). */
  reason: string;
  /** Where the folder now is (`…/checkpoint-N.damaged-<time>`); never deleted. */
  movedTo: string | null;
}

/** Where a run starts: its state, the checkpoint it resumed from (null: fresh), what was skipped. */
export interface RunStart {
  state: TrainerState;
  resumeDir: string | null;
  skipped: SkippedCheckpoint[];
}

type Contents = { params: Map<string, tf.Variable>; optimizer: AdamW; rng: SeededRandom };

/**
 * Tidy `outputDir` (leftovers of a killed save are cleaned) and list the checkpoints to try,
 * newest first: the one `resumeFrom` names, or every checkpoint for `'latest'`. Without
 * `resumeFrom`, checkpoints already there are refused (or deleted with `overwriteOutputDir`).
 */
async function candidates(o: ResumeOptions): Promise<string[]> {
  if (o.outputDir) await removeLeftovers(o.outputDir);
  if (o.resumeFrom !== undefined && o.resumeFrom !== 'latest') return [o.resumeFrom];
  const existing = o.outputDir ? await listCheckpoints(o.outputDir) : [];
  if (o.resumeFrom === 'latest') return existing.map((c) => c.dir).reverse();
  if (existing.length > 0) {
    if (!o.overwriteOutputDir)
      throw new TrainerConfigError(
        `${o.outputDir} already holds checkpoints (${existing.map((c) => c.step).join(', ')}); ` +
          `pass resumeFrom: 'latest' to continue, or overwriteOutputDir: true to start over`,
        { option: 'outputDir', value: o.outputDir },
      );
    for (const c of existing) await rm(c.dir, { recursive: true, force: true });
  }
  return [];
}

/** Checkpoint `dir` read and checked, or the reason it is damaged (a `CheckpointError` or a bad trainer state). */
async function readCandidate(
  dir: string,
  fresh: TrainerState,
): Promise<{ data: CheckpointData; state: TrainerState } | { damaged: string; cause: unknown }> {
  let data: CheckpointData;
  try {
    data = await readCheckpoint(dir);
  } catch (err) {
    if (err instanceof CheckpointError) return { damaged: err.message, cause: err };
    throw err;
  }
  try {
    // (a checkpoint of another run — other seed, length or parameters — is refused, not skipped)
    const stateFile = `${data.dir}/trainer_state.json`;
    return { data, state: checkResumedState(parseTrainerState(data.extra.trainer, stateFile), fresh, dir) };
  } catch (err) {
    if (err instanceof DamagedTrainerState) return { damaged: err.message, cause: err };
    throw err;
  }
}

/**
 * A fresh start (`fresh`), or the state of the checkpoint to resume from, whose trained
 * parameters, optimizer moments and seed-stream state are loaded into `into` (exact resume).
 * `resumeFrom: 'latest'` takes the newest checkpoint that is intact: a damaged newer one
 * (truncated or missing file, garbled state, half-written folder) is skipped — moved aside to
 * `checkpoint-N.damaged-<time>` once an older one was loaded, reported in `skipped` and on
 * `warn`. A damaged checkpoint named explicitly, or none intact, is a `ResumeError`; nothing is
 * loaded into `into` then.
 */
export async function startOrResume(
  o: ResumeOptions,
  fresh: TrainerState,
  into: Contents,
  warn: (line: string) => void = () => {},
): Promise<RunStart> {
  const dirs = await candidates(o);
  if (dirs.length === 0) return { state: fresh, resumeDir: null, skipped: [] };
  const damaged: { dir: string; reason: string }[] = [];
  for (const dir of dirs) {
    const found = await readCandidate(dir, fresh);
    if ('damaged' in found) {
      if (o.resumeFrom !== 'latest')
        throw new ResumeError(`cannot resume from ${dir}: ${found.damaged}`, { cause: found.cause, dir });
      damaged.push({ dir, reason: found.damaged });
      continue;
    }
    try {
      applyCheckpoint(found.data, into); // all or nothing
    } catch (err) {
      throw new ResumeError(`cannot resume from ${dir}: ${(err as Error).message}`, { cause: err, dir });
    }
    const skipped: SkippedCheckpoint[] = [];
    for (const d of damaged) {
      const movedTo = await moveAsideDamaged(d.dir);
      skipped.push({ ...d, movedTo });
      warn(
        `warning: skipped damaged checkpoint ${d.dir} (${d.reason}); moved it to ${movedTo}; resuming from ${dir}`,
      );
    }
    return { state: found.state, resumeDir: found.data.dir, skipped };
  }
  throw new ResumeError(
    `no valid checkpoint in ${o.outputDir} to resume from: ${damaged.map((d) => d.reason).join('; ')}`,
    { dir: o.outputDir },
  );
}
