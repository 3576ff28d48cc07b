// Where a run starts in Node: its checkpoint folders in `outputDir` (the loop over them is
// ./resume-core.ts, shared with checkpoint stores).
import { rm } from 'node:fs/promises';
import { CheckpointError, readCheckpoint } from '@selfevo/encoder-model';
import { listCheckpoints, moveAsideDamaged, removeLeftovers } from './checkpoint-dirs.js';
import {
  type CheckpointSource,
  type ReadCheckpoint,
  type ResumeContents,
  type ResumeOptions,
  type RunStart,
  startOrResumeFrom,
} from './resume-core.js';
import type { TrainerState } from './trainer-state.js';

export type { ResumeOptions, RunStart, SkippedCheckpoint } from './resume-core.js';

/** The checkpoint folders of `outputDir`: leftovers of killed saves cleaned, damaged ones moved aside. */
function folderSource(outputDir: string | undefined): CheckpointSource {
  return {
    tidy: () => (outputDir ? removeLeftovers(outputDir) : Promise.resolve()),
    list: async () =>
      outputDir ? (await listCheckpoints(outputDir)).map((c) => ({ step: c.step, name: c.dir })) : [],
    async read(dir): Promise<ReadCheckpoint> {
      try {
        return { data: await readCheckpoint(dir) };
      } catch (err) {
        if (err instanceof CheckpointError) return { damaged: err.message, cause: err };
        throw err;
      }
    },
    remove: (dir) => rm(dir, { recursive: true, force: true }),
    setAside: (dir) => moveAsideDamaged(dir),
  };
}

/**
 * A fresh start (`fresh`), or the state of the checkpoint folder to resume from, whose trained
 * parameters, optimizer moments and seed-stream state are loaded into `into` (exact resume).
 * `resumeFrom: 'latest'` takes the newest checkpoint that is intact: a damaged newer one
 * (truncated or missing file, garbled state, half-written folder) is skipped — moved aside to
 * `checkpoint-N.damaged-<time>` once an older one was loaded, reported in `skipped` and on
 * `warn`. A damaged checkpoint named explicitly, or none intact, is a `ResumeError`; nothing is
 * loaded into `into` then.
 */
export function startOrResume(
  o: ResumeOptions,
  fresh: TrainerState,
  into: ResumeContents,
  warn: (line: string) => void = () => {},
): Promise<RunStart> {
  return startOrResumeFrom(folderSource(o.outputDir), o, fresh, into, warn);
}
