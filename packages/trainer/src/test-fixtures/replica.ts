/** Data-parallel worker module for the tests: the tiny MLP and its loss, on the cpu backend. */
import { useBackend } from '@selfevo/backend';
import type { Replica } from '../data-parallel-protocol.js';
import type { LossContext } from '../types.js';
import { type Batch, mseLoss, TinyMlp } from './tiny-mlp.js';

export async function createReplica({
  workerIndex,
}: {
  workerIndex: number;
}): Promise<Replica<TinyMlp, Batch>> {
  await useBackend('cpu');
  const failAt = Number(process.env.SELFEVO_DP_FAIL_STEP ?? 0);
  const failWorker = Number(process.env.SELFEVO_DP_FAIL_WORKER ?? -1);
  if (process.env.SELFEVO_DP_FAIL_CREATE === String(workerIndex))
    throw new Error(`cannot build replica ${workerIndex}`);
  // a different init on purpose: the weights must come from shared memory
  return {
    model: new TinyMlp(100 + workerIndex),
    lossFn: (m: TinyMlp, b: Batch, t: boolean, ctx: LossContext) => {
      if (workerIndex === failWorker && ctx.step === failAt) throw new Error(`boom at step ${ctx.step}`);
      return mseLoss(m, b, t, ctx);
    },
  };
}
