import { useBackend } from '@selfevo/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import * as browser from './browser.js';
import { TrainerConfigError } from './errors.js';
import * as node from './index.js';
import { type Batch, makeSource, mseLoss, TinyMlp } from './test-fixtures/tiny-mlp.js';
import type { TrainOptions } from './train-options.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const options = (model: TinyMlp, extra: Partial<TrainOptions<TinyMlp, Batch>> = {}) =>
  ({
    model,
    lossFn: mseLoss,
    trainData: makeSource(64, 8),
    optimizer: { lr: 0.02 },
    maxSteps: 12,
    progress: 'none',
    ...extra,
  }) satisfies TrainOptions<TinyMlp, Batch>;

describe('the browser build (./browser.ts, the `browser` export condition)', () => {
  it('exports the same names as the Node build (one set of types serves both)', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('trains in memory exactly like the Node build: same losses, same weights', async () => {
    const a = new TinyMlp(5);
    const b = new TinyMlp(5);
    const ra = await node.train(options(a));
    const rb = await browser.train(options(b));
    expect(rb.logHistory).toEqual(
      ra.logHistory.map((r, i) => ({ ...r, elapsed_ms: rb.logHistory[i]!.elapsed_ms })),
    );
    const wa = a.namedParameters();
    for (const [name, v] of b.namedParameters())
      expect(Array.from(v.dataSync())).toEqual(Array.from(wa.get(name)!.dataSync()));
    expect(rb.bestCheckpoint).toBeNull();
    a.dispose();
    b.dispose();
  });

  it('pauses while onStepEnd awaits, then continues the same run', async () => {
    const model = new TinyMlp(2);
    const steps: number[] = [];
    let release = () => {};
    const paused = new Promise<void>((r) => (release = r));
    const run = browser.train(
      options(model, {
        callbacks: [
          {
            onStepEnd: async ({ step }) => {
              steps.push(step);
              if (step === 4) await paused;
            },
          },
        ],
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(steps).toEqual([1, 2, 3, 4]);
    release();
    expect((await run).step).toBe(12);
    expect(steps).toHaveLength(12);
    model.dispose();
  });

  it('refuses what needs a file system or threads, naming the option, before anything runs', async () => {
    const model = new TinyMlp(1);
    for (const [option, value] of [
      ['outputDir', '/tmp/x'],
      ['resumeFrom', 'latest'],
      ['overwriteOutputDir', true],
      ['dataParallel', { workers: 2, createReplica: 'x' }],
    ] as const) {
      const err = await browser.train(options(model, { [option]: value })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrainerConfigError);
      expect((err as TrainerConfigError).option).toBe(option);
      expect((err as Error).message).toMatch(/needs Node/);
    }
    await expect(browser.readJsonlLog('log.jsonl')).rejects.toThrow(/readJsonlLog needs Node/);
    await expect(browser.listCheckpoints('out')).rejects.toThrow(TrainerConfigError);
    expect(() => new browser.JsonlLogWriter()).toThrow(/JsonlLogWriter needs Node/);
    await expect(browser.GradientWorkerPool.start()).rejects.toThrow(/dataParallel needs Node/);
    expect(browser.liveDataParallelWorkers()).toBe(0);
    expect(browser.parseJsonlLog('{"step":1,"loss":0.5}\n')).toEqual([{ step: 1, loss: 0.5 }]);
    model.dispose();
  });
});
