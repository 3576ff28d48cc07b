// Where a run starts, whatever holds its checkpoints: folders on disk (./resume.ts) or a
// `CheckpointStore` (./train-store.ts). No file system here, so the browser build can use it.
import { type AdamW, applyCheckpoint, type CheckpointData, type SeededRandom } from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
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
  /** The checkpoint as it was named (`…/checkpoint-N`). */
  dir: string;
  /** What is damaged (names the file, and the field for a damaged trainer state). */
  reason: string;
  /** Where the folder now is (`…/checkpoint-N.damaged-<time>`; never deleted); null: left in place. */
  movedTo: string | null;
}

/** Where a run starts: its state, the checkpoint it resumed from (null: fresh), what was skipped. */
export interface RunStart {
  state: TrainerState;
  resumeDir: string | null;
  skipped: SkippedCheckpoint[];
}

/** What a run's checkpoints are loaded into. */
export type ResumeContents = { params: Map<string, tf.Variable>; optimizer: AdamW; rng: SeededRandom };

/** A checkpoint read and checked, or the reason it is damaged. */
export type ReadCheckpoint = { data: CheckpointData } | { damaged: string; cause: unknown };

/** Where a run's checkpoints live, as `startOrResumeFrom` needs it. */
export interface CheckpointSource {
  /** Clean up after a save that was killed (before anything is listed). */
  tidy(): Promise<void>;
  /** The run's checkpoints, oldest first, by the name messages and `resumeFrom` use. */
  list(): Promise<{ step: number; name: string }[]>;
  /** Checkpoint `name` read and checked (its contents, not its trainer state), loading nothing. */
  read(name: string): Promise<ReadCheckpoint>;
  /** Delete checkpoint `name` (`overwriteOutputDir`). */
  remove(name: string): Promise<void>;
  /** Put a damaged checkpoint aside once an older one was loaded: where it went, or null (left). */
  setAside(name: string): Promise<string | null>;
}

/**
 * Tidy the source and list the checkpoints to try, newest first: the one `resumeFrom` names, or
 * every checkpoint for `'latest'`. Without `resumeFrom`, checkpoints already there are refused
 * (or deleted with `overwriteOutputDir`).
 */
async function candidates(o: ResumeOptions, src: CheckpointSource): Promise<string[]> {
  if (o.outputDir) await src.tidy();
  if (o.resumeFrom !== undefined && o.resumeFrom !== 'latest') return [o.resumeFrom];
  const existing = o.outputDir ? await src.list() : [];
  if (o.resumeFrom === 'latest') return existing.map((c) => c.name).reverse();
  if (existing.length > 0) {
    if (!o.overwriteOutputDir)
      throw new TrainerConfigError(
        `${o.outputDir} already holds checkpoints (${existing.map((c) => c.step).join(', ')}); ` +
          `pass resumeFrom: 'latest' to continue, or overwriteOutputDir: true to start over`,
        { option: 'outputDir', value: o.outputDir },
      );
    for (const c of existing) await src.remove(c.name);
  }
  return [];
}

/** Checkpoint `name` and its trainer state, or why it is damaged (another run's is refused, not skipped). */
async function readCandidate(
  src: CheckpointSource,
  name: string,
  fresh: TrainerState,
): Promise<{ data: CheckpointData; state: TrainerState } | { damaged: string; cause: unknown }> {
  const found = await src.read(name);
  if ('damaged' in found) return found;
  const { data } = found;
  try {
    const stateFile = `${data.dir}/trainer_state.json`;
    return { data, state: checkResumedState(parseTrainerState(data.extra.trainer, stateFile), fresh, name) };
  } catch (err) {
    if (err instanceof DamagedTrainerState) return { damaged: err.message, cause: err };
    throw err;
  }
}

/**
 * A fresh start (`fresh`), or the state of the checkpoint to resume from, whose trained
 * parameters, optimizer moments and seed-stream state are loaded into `into` (exact resume).
 * `resumeFrom: 'latest'` takes the newest checkpoint that is intact: a damaged newer one is
 * skipped — set aside (`src.setAside`) once an older one was loaded, reported in `skipped` and on
 * `warn`. A damaged checkpoint named explicitly, or none intact, is a `ResumeError`; nothing is
 * loaded into `into` then.
 */
export async function startOrResumeFrom(
  src: CheckpointSource,
  o: ResumeOptions,
  fresh: TrainerState,
  into: ResumeContents,
  warn: (line: string) => void = () => {},
): Promise<RunStart> {
  const names = await candidates(o, src);
  if (names.length === 0) return { state: fresh, resumeDir: null, skipped: [] };
  const damaged: { dir: string; reason: string }[] = [];
  for (const name of names) {
    const found = await readCandidate(src, name, fresh);
    if ('damaged' in found) {
      if (o.resumeFrom !== 'latest')
        throw new ResumeError(`cannot resume from ${name}: ${found.damaged}`, {
          cause: found.cause,
          dir: name,
        });
      damaged.push({ dir: name, reason: found.damaged });
      continue;
    }
    try {
      applyCheckpoint(found.data, into); // all or nothing
    } catch (err) {
      throw new ResumeError(`cannot resume from ${name}: ${(err as Error).message}`, {
        cause: err,
        dir: name,
      });
    }
    const skipped: SkippedCheckpoint[] = [];
    for (const d of damaged) {
      const movedTo = await src.setAside(d.dir);
      skipped.push({ ...d, movedTo });
      const where = movedTo ? `moved it to ${movedTo}` : 'left it in place';
      warn(`warning: skipped damaged checkpoint ${d.dir} (${d.reason}); ${where}; resuming from ${name}`);
    }
    return { state: found.state, resumeDir: found.data.dir, skipped };
  }
  throw new ResumeError(
    `no valid checkpoint in ${o.outputDir} to resume from: ${damaged.map((d) => d.reason).join('; ')}`,
    { dir: o.outputDir },
  );
}
