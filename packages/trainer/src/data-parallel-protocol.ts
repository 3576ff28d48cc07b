/** Messages between the data-parallel pool (main thread) and its gradient workers. */

/** Options of the data-parallel mode. */
export interface DataParallelOptions {
  /** Number of worker threads (replicas). */
  workers: number;
  /** URL (or absolute path) of an ES module exporting `createReplica` (see {@link Replica}). */
  workerModule: string | URL;
}

/** One micro-batch of work: the batch (structured-cloned) and the seed of its generator. */
export interface WorkItem {
  /** Position inside the optimizer step (0-based); results come back keyed by it. */
  micro: number;
  batch: unknown;
  seed: number;
}

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Offset in float32 elements into the shared weights buffer. */
  offset: number;
  size: number;
  /** Trained: re-synced after every update and differentiated. Frozen ones are copied once. */
  trained: boolean;
}

export interface WorkerInit {
  workerModule: string;
  workerIndex: number;
  workers: number;
  params: ParamSpec[];
  /** float32 weights of every parameter, written by the main thread (trained ones after each update). */
  weights: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'compute'; id: number; step: number; version: number; items: WorkItem[] }
  | { type: 'close' };

export interface WorkResult {
  micro: number;
  loss: number;
  /** Gradients by parameter name (float32, transferred). Absent names got no gradient. */
  grads: Record<string, Float32Array>;
}

export type FromWorker =
  | { type: 'ready'; params: { name: string; shape: number[] }[] }
  | { type: 'result'; id: number; results: WorkResult[] }
  | { type: 'error'; id: number | null; name: string; message: string; stack?: string };

/**
 * What a data-parallel `workerModule` builds in each worker: the same model architecture (same
 * parameter names and shapes; the weights are overwritten from shared memory), the same loss,
 * and the model's own generator if it draws dropout from one (it is re-seeded per micro-batch;
 * default `model.rng`, as in the main thread).
 * The module must select and set up its tfjs backend itself (e.g. `await useBackend('wasm')`).
 */
export interface Replica<M = any, B = any> {
  model: M;
  lossFn: import('./types.js').LossFn<M, B>;
  rng?: import('@selfevo/encoder-model').SeededRandom;
}

/** The function a `workerModule` exports as `createReplica`. */
export type CreateReplica = (info: { workerIndex: number; workers: number }) => Replica | Promise<Replica>;
