import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import type { BertForSequenceClassification } from '@selfevo/encoder-model';
import { SeededRandom } from '@selfevo/encoder-model';
import { expectAllClose } from '@selfevo/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accuracy,
  clsLoss,
  makeBert,
  type SeqBatch,
  seqExamples,
  seqSource,
} from './test-fixtures/tiny-bert.js';
import { type TrainOptions, train } from './train.js';

const snapshot = (m: BertForSequenceClassification) =>
  Object.fromEntries([...m.namedParameters()].map(([k, v]) => [k, Array.from(v.dataSync())]));

let out: string;
beforeAll(async () => {
  await useBackend('cpu');
  out = await mkdtemp(join(tmpdir(), 'selfevo-bert-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

function options(
  model: BertForSequenceClassification,
  extra: Partial<TrainOptions<BertForSequenceClassification, SeqBatch>> = {},
): TrainOptions<BertForSequenceClassification, SeqBatch> {
  const dev = seqExamples(64, 99);
  return {
    model,
    lossFn: clsLoss, // (dropout draws from model.rng: the trainer's default rng, re-seeded per micro-batch)
    trainData: seqSource(128, 16),
    optimizer: { lr: 1e-2, weightDecay: 0.01 },
    schedule: { schedule: 'linear', peakLr: 1e-2, warmupSteps: 3 },
    maxSteps: 30,
    gradientAccumulationSteps: 2,
    evalFn: () => ({ accuracy: accuracy(model, dev) }),
    evalEverySteps: 10,
    metricForBest: 'accuracy',
    progress: 'none',
    seed: 1,
    ...extra,
  };
}

describe('with the encoder package (tiny BERT classifier, dropout on)', () => {
  it('learns a toy task, and a crashed run resumes to the same weights (dropout RNG included)', async () => {
    const a = makeBert(0);
    const ra = await train(options(a, { outputDir: join(out, 'a') }));
    expect(ra.bestMetric!).toBeGreaterThanOrEqual(0.9);

    const b = makeBert(0);
    await expect(
      train(
        options(b, {
          outputDir: join(out, 'b'),
          callbacks: [
            {
              onStepEnd: ({ step }) => {
                if (step === 17) throw new Error('crash');
              },
            },
          ],
        }),
      ),
    ).rejects.toThrow('crash');
    const b2 = makeBert(7);
    const rb = await train(options(b2, { outputDir: join(out, 'b'), resumeFrom: 'latest' }));
    expect(rb.resumedFromStep).toBe(10);
    expect(snapshot(b2)).toEqual(snapshot(a));
    for (const m of [a, b, b2]) m.dispose();
  });

  it('rng defaults to model.rng: the same weights as passing it, unlike another generator', async () => {
    const byDefault = makeBert(0);
    await train(options(byDefault, { maxSteps: 6, evalFn: undefined, evalEverySteps: undefined }));
    const explicit = makeBert(0);
    await train(
      options(explicit, { maxSteps: 6, evalFn: undefined, evalEverySteps: undefined, rng: explicit.rng }),
    );
    expect(snapshot(byDefault)).toEqual(snapshot(explicit));
    // an override is honoured: dropout then draws from a generator the trainer does not re-seed
    const other = makeBert(0);
    await train(
      options(other, {
        maxSteps: 6,
        evalFn: undefined,
        evalEverySteps: undefined,
        rng: new SeededRandom(5),
      }),
    );
    expect(snapshot(other)).not.toEqual(snapshot(byDefault));
    for (const m of [byDefault, explicit, other]) m.dispose();
  });

  it('data-parallel on 2 workers matches one process', async () => {
    const lossesA: number[] = [];
    const lossesB: number[] = [];
    const a = makeBert(0);
    await train(
      options(a, { maxSteps: 10, callbacks: [{ onStepEnd: ({ loss }) => void lossesA.push(loss) }] }),
    );
    const b = makeBert(0);
    await train(
      options(b, {
        maxSteps: 10,
        dataParallel: {
          workers: 2,
          workerModule: new URL('./test-fixtures/bert-replica.ts', import.meta.url),
        },
        callbacks: [{ onStepEnd: ({ loss }) => void lossesB.push(loss) }],
      }),
    );
    expectAllClose(lossesB, lossesA, 1e-5);
    const sa = snapshot(a);
    const sb = snapshot(b);
    for (const k of Object.keys(sa)) expectAllClose(sb[k], sa[k], 1e-5);
    a.dispose();
    b.dispose();
  });
});
