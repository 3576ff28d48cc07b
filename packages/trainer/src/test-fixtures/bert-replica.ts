/** Data-parallel worker module: the tiny BERT classifier on the cpu backend. */
import { useBackend } from '@selfevo/backend';
import type { Replica } from '../data-parallel-protocol.js';
import { clsLoss, makeBert } from './tiny-bert.js';

export async function createReplica({ workerIndex }: { workerIndex: number }): Promise<Replica> {
  await useBackend('cpu');
  const model = makeBert(50 + workerIndex); // weights come from shared memory
  return { model, lossFn: clsLoss }; // the worker re-seeds model.rng per micro-batch by default
}
