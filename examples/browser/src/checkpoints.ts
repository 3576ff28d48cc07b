// The page's checkpoints: IndexedDB through @selfevo/trainer's IndexedDbCheckpointStore (written by
// trainWithStore every `saveEvery` steps), read back after a reload to resume, and offered as a
// download (the stored value is one safetensors file).
import {
  type CheckpointStore,
  decodeStoredCheckpoint,
  IndexedDbCheckpointStore,
  type LogRecord,
  storedCheckpointName,
} from '@selfevo/trainer';
import type { Settings } from './config.js';

/** The IndexedDB database of this page. */
export const DB_NAME = 'selfevo-browser-example';

/** The newest stored checkpoint of a run: its step, and the run's log up to it (the loss curve). */
export interface SavedRun {
  step: number;
  log: LogRecord[];
}

/**
 * The run's name in the store: what must match to resume exactly (the model, the training data,
 * and the settings that shape the schedule, the batches and the seed stream).
 */
export function runName(settings: Settings, model: string, data: string): string {
  const { steps, batchSize, lr, maxLength, seed } = settings;
  return `CB ${JSON.stringify({ model, data, steps, batchSize, lr, maxLength, seed })}`;
}

/** The page's store, or null (with the reason on the console) where IndexedDB is unavailable. */
export async function openStore(): Promise<CheckpointStore | null> {
  try {
    return await IndexedDbCheckpointStore.open({ name: DB_NAME });
  } catch (e) {
    console.warn(`no checkpoints in this browser: ${(e as Error).message}`);
    return null;
  }
}

/** The newest checkpoint of `run` in `store` (checked), or null. A damaged one is reported and passed over. */
export async function savedRun(store: CheckpointStore, run: string): Promise<SavedRun | null> {
  const steps = await store.steps(run);
  for (const step of steps.reverse()) {
    const bytes = await store.get(run, step);
    if (!bytes) continue;
    try {
      return { step, log: decodeStoredCheckpoint(bytes, storedCheckpointName(run, step)).log };
    } catch (e) {
      console.warn((e as Error).message);
    }
  }
  return null;
}

/** The per-step training losses of a log written with `logEverySteps: 1`, by step (1-based). */
export function stepLosses(log: LogRecord[]): number[] {
  const out: number[] = [];
  for (const r of log) if (r.type === 'train' && typeof r.loss === 'number') out[r.step - 1] = r.loss;
  return out;
}

/** Offer checkpoint `step` of `run` as a file download (`selfevo-cb-checkpoint-<step>.safetensors`). */
export async function downloadCheckpoint(store: CheckpointStore, run: string, step: number): Promise<string> {
  const bytes = await store.get(run, step);
  if (!bytes) throw new Error(`${storedCheckpointName(run, step)} is no longer stored`);
  const name = `selfevo-cb-checkpoint-${step}.safetensors`;
  const url = URL.createObjectURL(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
  );
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  // (after the click has started the download)
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
