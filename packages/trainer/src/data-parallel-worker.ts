/**
 * The gradient worker of the data-parallel option (runs in a worker_thread). It imports the
 * user's `workerModule`, builds a replica with its `createReplica`, then for every `compute`
 * message: copies the current weights from shared memory into the replica (when they changed: all
 * of them the first time, the trained ones after that), computes each micro-batch's loss and
 * gradients of the trained parameters with `computeGradients`, and sends them back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { computeGradients } from './compute-gradients.js';
import type {
  CreateReplica,
  FromWorker,
  ToWorker,
  WorkerInit,
  WorkResult,
} from './data-parallel-protocol.js';
import { microBatchRng, modelRng } from './micro-batch-rng.js';
import type { EncoderLike } from './types.js';

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

function errorMessage(id: number | null, err: unknown): FromWorker {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: 'error', id, name: e.name, message: e.message, stack: e.stack };
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const mod = (await import(init.workerModule)) as { createReplica?: CreateReplica };
  if (typeof mod.createReplica !== 'function')
    throw new TypeError(`data-parallel workerModule ${init.workerModule} does not export createReplica()`);
  const replica = await mod.createReplica({ workerIndex: init.workerIndex, workers: init.workers });
  const model = replica.model as EncoderLike;
  model.setTraining(true); // as the main thread's model during training steps
  const params = model.namedParameters();
  const views = init.params.map((p) => ({
    spec: p,
    variable: params.get(p.name),
    view: new Float32Array(init.weights, p.offset * 4, p.size),
  }));
  for (const { spec, variable } of views) {
    if (!variable)
      throw new Error(
        `replica ${init.workerIndex} has no parameter ${spec.name}: workerModule builds a different model`,
      );
    if (variable.shape.join(',') !== spec.shape.join(','))
      throw new Error(
        `replica ${init.workerIndex}: ${spec.name} is [${variable.shape}], main model has [${spec.shape}]`,
      );
  }
  const trained = new Map(views.filter((v) => v.spec.trained).map((v) => [v.spec.name, v.variable!]));
  const rngTarget = replica.rng ?? modelRng(model);
  let version = -1;
  post({ type: 'ready', params: [...params].map(([name, v]) => ({ name, shape: v.shape })) });

  parentPort!.on('message', (msg: ToWorker) => {
    if (msg.type === 'close') {
      for (const v of params.values()) v.dispose();
      parentPort!.close();
      return;
    }
    try {
      if (msg.version !== version) {
        for (const { spec, variable, view } of views)
          if (version === -1 || spec.trained)
            tf.tidy(() => variable!.assign(tf.tensor(view.slice(), spec.shape, 'float32')));
        version = msg.version;
      }
      const results: WorkResult[] = [];
      const transfer: ArrayBuffer[] = [];
      for (const item of msg.items) {
        const rng = microBatchRng(item.seed, rngTarget);
        const ctx = { rng, step: msg.step };
        const { loss, grads } = computeGradients(model, replica.lossFn, item.batch, ctx, trained);
        const out: Record<string, Float32Array> = {};
        for (const [name, g] of Object.entries(grads)) {
          out[name] = Float32Array.from(g.dataSync() as Float32Array);
          transfer.push(out[name].buffer as ArrayBuffer);
          g.dispose();
        }
        results.push({ micro: item.micro, loss, grads: out });
      }
      post({ type: 'result', id: msg.id, results }, transfer);
    } catch (err) {
      post(errorMessage(msg.id, err));
    }
  });
}

main().catch((err) => {
  post(errorMessage(null, err));
});
