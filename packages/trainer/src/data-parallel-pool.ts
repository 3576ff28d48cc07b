import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type {
  DataParallelOptions,
  FromWorker,
  ParamSpec,
  ToWorker,
  WorkItem,
  WorkResult,
} from './data-parallel-protocol.js';
import { DataParallelWorkerError } from './errors.js';
import { configError, TRAINER_LIMITS } from './options-schema.js';

export type { DataParallelOptions };

const live = new Set<Worker>();

/** Data-parallel workers of this process that have not exited (for tests and leak checks). */
export function liveDataParallelWorkers(): number {
  return live.size;
}

// Under a TypeScript test runner this file is `.ts`, and so is the worker runner: load it through tsx.
const runningFromSource = import.meta.url.endsWith('.ts');
const runnerUrl = new URL(
  runningFromSource ? './data-parallel-worker.ts' : './data-parallel-worker.js',
  import.meta.url,
);

function bootstrap(): { code: string; tsxApi: string | null } {
  // (resolved from here; the ESM build of tsx's API sits beside the CJS one that require finds)
  const tsxApi = runningFromSource
    ? createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs')
    : null;
  const code = `
const { workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
(async () => {
  if (workerData.tsxApi) (await import(pathToFileURL(workerData.tsxApi).href)).register();
  await import(workerData.runnerUrl);
})();`;
  return { code, tsxApi };
}

interface Pending {
  resolve: (r: WorkResult[]) => void;
  reject: (e: Error) => void;
}

/**
 * A pool of gradient workers for one training run. Weights live in one SharedArrayBuffer that
 * the main thread rewrites after every optimizer step ({@link GradientWorkerPool.syncWeights}:
 * the trained parameters; frozen ones are written once at the start);
 * {@link GradientWorkerPool.compute} spreads a step's micro-batches over the workers (micro-batch
 * `i` to worker `i mod n`) and returns their losses and gradients in micro-batch order, so the
 * caller sums them in a fixed order. Any worker failure rejects the pending call; `close()`
 * terminates every worker and is safe to call more than once.
 */
export class GradientWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly weights: Float32Array;
  private nextId = 0;
  private version = 0;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    private readonly specs: ParamSpec[],
    private readonly params: Map<string, tf.Variable>,
    private readonly shared: SharedArrayBuffer,
  ) {
    this.weights = new Float32Array(shared);
  }

  /**
   * Start `opts.workers` replicas over `params` (all of the model's parameters); `trained` names
   * the ones that train (default all): only those are differentiated and re-synced every step.
   */
  static async start(
    opts: DataParallelOptions,
    params: Map<string, tf.Variable>,
    trained: ReadonlySet<string> = new Set(params.keys()),
  ): Promise<GradientWorkerPool> {
    const { maxWorkers } = TRAINER_LIMITS;
    if (!(Number.isInteger(opts.workers) && opts.workers >= 1 && opts.workers <= maxWorkers))
      throw configError('dataParallel.workers', `must be an integer in [1, ${maxWorkers}]`, opts.workers);
    const specs: ParamSpec[] = [];
    let offset = 0;
    for (const [name, v] of params) {
      specs.push({ name, shape: v.shape, offset, size: v.size, trained: trained.has(name) });
      offset += v.size;
    }
    const pool = new GradientWorkerPool(specs, params, new SharedArrayBuffer(offset * 4));
    pool.syncWeights(true);
    const moduleUrl =
      opts.workerModule instanceof URL
        ? opts.workerModule.href
        : /^[a-z]+:/i.test(opts.workerModule)
          ? opts.workerModule
          : new URL(`file://${opts.workerModule}`).href;
    const { code, tsxApi } = bootstrap();
    try {
      await Promise.all(
        Array.from({ length: opts.workers }, (_, i) =>
          pool.spawn(code, {
            tsxApi,
            runnerUrl: runnerUrl.href,
            workerModule: moduleUrl,
            workerIndex: i,
            workers: opts.workers,
            params: specs,
            weights: pool.shared,
          }),
        ),
      );
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private spawn(code: string, data: Record<string, unknown>): Promise<void> {
    const index = data.workerIndex as number;
    const w = new Worker(code, { eval: true, workerData: data });
    live.add(w);
    this.workers.push(w);
    return new Promise<void>((resolveReady, rejectReady) => {
      let ready = false;
      const fail = (err: Error) => {
        this.failure ??= err;
        if (!ready) rejectReady(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      };
      w.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          ready = true;
          resolveReady();
        } else if (msg.type === 'result') {
          const p = this.pending.get(msg.id);
          p?.resolve(msg.results);
        } else if (msg.type === 'error') {
          fail(new DataParallelWorkerError(index, msg.name, msg.message, msg.stack));
        }
      });
      w.on('error', (err) => fail(new DataParallelWorkerError(index, err.name, err.message, err.stack)));
      w.on('exit', (exitCode) => {
        live.delete(w);
        if (!this.closed)
          fail(
            new DataParallelWorkerError(index, 'Exit', `worker exited unexpectedly with code ${exitCode}`),
          );
      });
    });
  }

  /**
   * Copy the main model's current weights into shared memory (call after every optimizer step):
   * the trained parameters, or all of them with `all`.
   */
  syncWeights(all = false): void {
    for (const s of this.specs)
      if (all || s.trained) this.weights.set(this.params.get(s.name)!.dataSync() as Float32Array, s.offset);
    this.version++;
  }

  /** Losses and gradients (as tensors the caller disposes) of `items`, in `items` order. */
  async compute(
    items: WorkItem[],
    step: number,
  ): Promise<{ loss: number; grads: Record<string, tf.Tensor> }[]> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('GradientWorkerPool: already closed');
    const n = this.workers.length;
    const shards = this.workers.map((_, w) => items.filter((_, i) => i % n === w));
    const replies = await Promise.all(
      shards.map((shard, w) => {
        if (shard.length === 0) return Promise.resolve([] as WorkResult[]);
        const id = this.nextId++;
        return new Promise<WorkResult[]>((resolve, reject) => {
          this.pending.set(id, {
            resolve: (r) => {
              this.pending.delete(id);
              resolve(r);
            },
            reject,
          });
          const msg: ToWorker = { type: 'compute', id, step, version: this.version, items: shard };
          this.workers[w].postMessage(msg);
        });
      }),
    );
    const byMicro = new Map<number, WorkResult>();
    for (const r of replies.flat()) byMicro.set(r.micro, r);
    return items.map((it) => {
      const r = byMicro.get(it.micro)!;
      const grads: Record<string, tf.Tensor> = {};
      for (const s of this.specs) {
        const g = r.grads[s.name];
        if (g) grads[s.name] = tf.tensor(g, s.shape, 'float32');
      }
      return { loss: r.loss, grads };
    });
  }

  /** Stop every worker (waits until they have exited). */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('GradientWorkerPool closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
