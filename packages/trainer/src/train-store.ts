// `trainWithStore(store, opts)`: `train()` with its checkpoints and log in a `CheckpointStore`
// (IndexedDB in a browser, memory anywhere) instead of folders. The same loop and the same
// semantics as `outputDir` on disk — `outputDir` names the run in the store — so save/keep-best/
// keep-last-k, `resumeFrom` (exact resume), `overwriteOutputDir` and `loadBestModelAtEnd` work in a
// browser tab, across page reloads. No Node module here.
import { applyCheckpoint } from '@selfevo/encoder-model';
import { checkpointsToDelete, storedCheckpointName } from './checkpoint-names.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { TrainerConfigError } from './errors.js';
import { type CheckpointSource, type ReadCheckpoint, startOrResumeFrom } from './resume-core.js';
import { decodeStoredCheckpoint, encodeStoredCheckpoint } from './stored-checkpoint.js';
import { trainWith } from './train-loop.js';
import type { TrainOptions, TrainResult } from './train-options.js';
import type { RunCheckpoints, RunContents, RunLog, TrainerIo } from './trainer-io.js';
import type { EncoderLike, LogRecord } from './types.js';

/** The step `name` (`<run>/checkpoint-<step>` or `checkpoint-<step>`) names in `run`, or null. */
function stepOf(run: string, name: string): number | null {
  const bare = name.startsWith(`${run}/`) ? name.slice(run.length + 1) : name;
  const m = /^checkpoint-(\d+)$/.exec(bare);
  return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : null;
}

/** The log kept in each stored checkpoint: records in memory, saved with every checkpoint. */
class StoredLog implements RunLog {
  records: LogRecord[] = [];
  constructor(
    readonly path: string,
    private readonly resumed: () => LogRecord[],
  ) {}
  async append(record: LogRecord): Promise<void> {
    this.records.push(record);
  }
  async truncateAfter(step: number): Promise<void> {
    this.records = this.resumed().filter((r) => r.step <= step);
  }
  async reset(): Promise<void> {
    this.records = [];
  }
}

/** One run's state across the io calls of a `train` (the log of the checkpoint resumed from). */
function storeIo(base: TrainerIo, store: CheckpointStore): TrainerIo {
  const logs = new Map<string, LogRecord[]>();
  let resumedLog: LogRecord[] = [];
  let log: StoredLog | null = null;

  async function read(run: string, name: string): Promise<ReadCheckpoint> {
    const step = stepOf(run, name);
    if (step === null)
      return { damaged: `not a checkpoint of run ${run} (${run}/checkpoint-<step>)`, cause: undefined };
    const canonical = storedCheckpointName(run, step);
    const bytes = await store.get(run, step);
    if (!bytes) return { damaged: `${canonical} is not in the store`, cause: undefined };
    try {
      const { data, log: records } = decodeStoredCheckpoint(bytes, canonical);
      logs.set(canonical, records);
      return { data };
    } catch (err) {
      return { damaged: (err as Error).message, cause: err };
    }
  }

  const source = (run: string): CheckpointSource => ({
    tidy: async () => {},
    list: async () =>
      (await store.steps(run)).map((step) => ({ step, name: storedCheckpointName(run, step) })),
    read: (name) => read(run, name),
    remove: async (name) => store.delete(run, stepOf(run, name)!),
    // a damaged stored checkpoint stays where it is (a later save of its step replaces it)
    setAside: async () => null,
  });

  return {
    checkOptions(opts) {
      if (typeof opts.outputDir !== 'string' || opts.outputDir === '')
        throw new TrainerConfigError(
          "trainWithStore needs outputDir: the run's name in the checkpoint store",
          { option: 'outputDir', value: opts.outputDir },
        );
      base.checkOptions({
        ...opts,
        outputDir: undefined,
        resumeFrom: undefined,
        overwriteOutputDir: undefined,
      });
    },
    async startOrResume(o, fresh, into, warn) {
      const start = await startOrResumeFrom(source(o.outputDir!), o, fresh, into, warn);
      resumedLog = start.resumeDir ? (logs.get(start.resumeDir) ?? []) : [];
      logs.clear();
      return start;
    },
    openLog(run) {
      log = new StoredLog(`${run}/log.jsonl`, () => resumedLog);
      return log;
    },
    checkpointKeeper: (run, contents, limit, resumed) =>
      storeKeeper(store, run, contents, limit, resumed, () => log),
    startWorkers: base.startWorkers,
    createProgress: base.createProgress,
    warnStream: base.warnStream,
  };
}

/** Checkpoints of `run` in `store`: each one safetensors value with the run's log so far. */
function storeKeeper(
  store: CheckpointStore,
  run: string,
  contents: RunContents,
  limit: number | undefined,
  resumed: { dir: string; step: number } | null,
  log: () => StoredLog | null,
): RunCheckpoints {
  return {
    last: resumed?.dir ?? null,
    lastStep: resumed?.step ?? null,
    async save(state, bestStep) {
      const extra = { trainer: state };
      const bytes = await encodeStoredCheckpoint({
        ...contents,
        step: state.step,
        extra,
        log: log()?.records,
      });
      await store.put(run, state.step, bytes);
      this.last = storedCheckpointName(run, state.step);
      this.lastStep = state.step;
      for (const s of checkpointsToDelete(await store.steps(run), limit, bestStep))
        await store.delete(run, s);
      return this.last;
    },
    async bestDir(bestStep) {
      if (bestStep === null) return null;
      return (await store.steps(run)).includes(bestStep) ? storedCheckpointName(run, bestStep) : null;
    },
    async loadWeights(name) {
      const step = stepOf(run, name)!;
      const bytes = await store.get(run, step);
      if (!bytes)
        throw new TrainerConfigError(`${name} is not in the checkpoint store`, { option: 'outputDir' });
      applyCheckpoint(decodeStoredCheckpoint(bytes, name).data, { params: contents.params });
    },
  };
}

/**
 * `trainWithStore(store, opts)` of a platform (`base`: the Node or the browser io for progress,
 * warnings and workers).
 */
export function storeTrainer(base: TrainerIo) {
  /**
   * `train(opts)` with its checkpoints and log in `store` (`IndexedDbCheckpointStore` in a browser,
   * `MemoryCheckpointStore` anywhere) instead of folders on disk: `opts.outputDir` names the run
   * in the store. Everything else is `train()`'s: checkpoints every `saveEverySteps` (each one
   * value: trained weights, AdamW moments, seed stream, trainer state and the log so far, see
   * `encodeStoredCheckpoint`), keep-best and `saveTotalLimit`, `resumeFrom: 'latest'` or
   * `'<run>/checkpoint-<step>'` (exact resume; a damaged newer checkpoint is skipped and left in
   * place), `overwriteOutputDir`, `loadBestModelAtEnd`. `result.lastCheckpoint` / `bestCheckpoint`
   * are `<run>/checkpoint-<step>` names; `logPath` is `<run>/log.jsonl`, a name: the log lives in
   * the checkpoints.
   */
  return function trainWithStore<M extends EncoderLike, B>(
    store: CheckpointStore,
    opts: TrainOptions<M, B>,
  ): Promise<TrainResult> {
    return trainWith(storeIo(base, store), opts);
  };
}
