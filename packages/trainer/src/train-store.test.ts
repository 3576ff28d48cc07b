// trainWithStore and the checkpoint stores: exact resume through a real IndexedDB implementation
// (fake-indexeddb, in memory), keep-best / keep-last-k, refused and damaged checkpoints, the one-file
// checkpoint format. The browser build's trainWithStore is the one tested (a browser tab's case).
import { useBackend } from '@selfevo/backend';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';
import * as browser from './browser.js';
import { IndexedDbCheckpointStore, MemoryCheckpointStore } from './checkpoint-store.js';
import { ResumeError, TrainerConfigError } from './errors.js';
import * as node from './index.js';
import { decodeStoredCheckpoint, encodeStoredCheckpoint } from './stored-checkpoint.js';
import {
  type Batch,
  evalLoss,
  makeExamples,
  makeSource,
  mseLoss,
  TinyMlp,
} from './test-fixtures/tiny-mlp.js';
import type { TrainOptions } from './train-options.js';
import type { LogRecord } from './types.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const heldOut = makeExamples(16, 5);
const options = (
  model: TinyMlp,
  extra: Partial<TrainOptions<TinyMlp, Batch>> = {},
): TrainOptions<TinyMlp, Batch> => ({
  model,
  lossFn: mseLoss, // draws noise from the run's RNG: exact resume needs the seed stream restored
  trainData: makeSource(36, 5),
  optimizer: { lr: 0.02, weightDecay: 0.01 },
  schedule: { schedule: 'linear', peakLr: 0.02, warmupSteps: 2 },
  maxSteps: 14,
  gradientAccumulationSteps: 2,
  evalFn: () => ({ loss: evalLoss(model, heldOut) }),
  evalEverySteps: 3,
  saveEverySteps: 4,
  logEverySteps: 1,
  seed: 11,
  progress: 'none',
  outputDir: 'cb-run',
  ...extra,
});
const stripTime = (r: LogRecord[]) => r.map(({ elapsed_ms: _e, ...rest }) => rest);
const crashAt = (at: number) => ({
  onStepEnd: ({ step }: { step: number }) => {
    if (step === at) throw new Error('tab closed');
  },
});

describe('trainWithStore (the browser build)', () => {
  it('resumes exactly from IndexedDB after the run died: same weights, same log, across connections', async () => {
    const indexedDB = new IDBFactory();
    const a = new TinyMlp(4);
    const ra = await browser.trainWithStore(new MemoryCheckpointStore(), options(a));

    const db1 = await IndexedDbCheckpointStore.open({ indexedDB, name: 'runs' });
    const b = new TinyMlp(4);
    await expect(browser.trainWithStore(db1, options(b, { callbacks: [crashAt(10)] }))).rejects.toThrow(
      'tab closed',
    );
    expect(await db1.steps('cb-run')).toEqual([3, 4, 6, 8, 9]); // every 4 steps and every new best
    db1.close();
    // a page reload: a new connection, a model built from other weights; everything comes from the store
    const db2 = await IndexedDbCheckpointStore.open({ indexedDB, name: 'runs' });
    await expect(browser.trainWithStore(db2, options(new TinyMlp(4)))).rejects.toThrow(/already holds/);
    const b2 = new TinyMlp(99);
    const resumedSteps: number[] = [];
    const rb = await browser.trainWithStore(
      db2,
      options(b2, {
        resumeFrom: 'latest',
        callbacks: [{ onStepEnd: ({ step }) => void resumedSteps.push(step) }],
      }),
    );
    expect(rb.resumedFromStep).toBe(9);
    expect(resumedSteps[0]).toBe(10);
    expect(b2.snapshot()).toEqual(a.snapshot());
    expect(stripTime(rb.logHistory)).toEqual(stripTime(ra.logHistory.filter((r) => r.step > 9)));
    // the log up to each checkpoint is in it: the last one holds the whole run's log
    const last = decodeStoredCheckpoint((await db2.get('cb-run', 14))!, 'cb-run/checkpoint-14');
    expect(stripTime(last.log)).toEqual(stripTime(ra.logHistory));
    expect(rb.lastCheckpoint).toBe('cb-run/checkpoint-14');
    expect(rb.logPath).toBe('cb-run/log.jsonl');
    expect(rb.bestStep).toBe(ra.bestStep);
    // an explicit checkpoint name resumes from it
    const b3 = new TinyMlp(98);
    const r3 = await browser.trainWithStore(db2, options(b3, { resumeFrom: 'cb-run/checkpoint-8' }));
    expect(r3.resumedFromStep).toBe(8);
    expect(b3.snapshot()).toEqual(a.snapshot());
    db2.close();
    for (const m of [a, b, b2, b3]) m.dispose();
  });

  it('keeps the newest saveTotalLimit plus the best, loads the best at the end, and overwrites on request', async () => {
    const store = new MemoryCheckpointStore();
    let i = 0;
    const scripted = [0.5, 0.3, 0.4, 0.45, 0.6];
    const model = new TinyMlp(2);
    const r = await node.trainWithStore(
      store,
      options(model, {
        maxSteps: 15,
        evalFn: () => ({ loss: scripted[i++] }),
        saveTotalLimit: 1,
        loadBestModelAtEnd: true,
      }),
    );
    expect(r.bestStep).toBe(6);
    expect(await store.steps('cb-run')).toEqual([6, 15]);
    expect(r.bestCheckpoint).toBe('cb-run/checkpoint-6');
    const best = decodeStoredCheckpoint((await store.get('cb-run', 6))!, 'best');
    for (const [name, t] of best.data.weights)
      expect(Array.from(model.params.get(name)!.dataSync())).toEqual(Array.from(t.data));
    await node.trainWithStore(store, options(model, { maxSteps: 2, overwriteOutputDir: true }));
    expect(await store.steps('cb-run')).toEqual([2]);
    expect(await store.steps('other')).toEqual([]);
    model.dispose();
  });

  it("skips a damaged newer checkpoint for 'latest' (left in place), refuses it by name and refuses another run's", async () => {
    const store = new MemoryCheckpointStore();
    const a = new TinyMlp(3);
    await expect(browser.trainWithStore(store, options(a, { callbacks: [crashAt(5)] }))).rejects.toThrow();
    const good = (await store.get('cb-run', 4))!;
    await store.put('cb-run', 7, good.subarray(0, good.length - 9)); // truncated
    const warnings: string[] = [];
    const b = new TinyMlp(3);
    const r = await browser.trainWithStore(
      store,
      options(b, {
        resumeFrom: 'latest',
        maxSteps: 14,
        progressStream: { write: (s: string) => void warnings.push(s) } as never,
      }),
    );
    expect(r.resumedFromStep).toBe(4);
    expect(r.skippedCheckpoints).toEqual([
      { dir: 'cb-run/checkpoint-7', reason: expect.stringMatching(/safetensors/), movedTo: null },
    ]);
    expect(warnings.join('')).toMatch(/skipped damaged checkpoint cb-run\/checkpoint-7 .*left it in place/);
    await store.put('cb-run', 20, new Uint8Array([1, 2, 3]));
    await expect(
      browser.trainWithStore(store, options(new TinyMlp(3), { resumeFrom: 'cb-run/checkpoint-20' })),
    ).rejects.toThrow(ResumeError);
    await expect(
      browser.trainWithStore(store, options(new TinyMlp(3), { resumeFrom: 'nope' })),
    ).rejects.toThrow(/not a checkpoint of run cb-run/);
    // another seed: the schedule and data order would differ, so it is refused, not skipped
    await expect(
      browser.trainWithStore(store, options(new TinyMlp(3), { resumeFrom: 'cb-run/checkpoint-4', seed: 12 })),
    ).rejects.toThrow(/seed 11, this run has seed 12/);
    // without a run name
    const err = await browser.trainWithStore(store, options(a, { outputDir: undefined })).catch((e) => e);
    expect(err).toBeInstanceOf(TrainerConfigError);
    expect(err.option).toBe('outputDir');
    await expect(
      browser.trainWithStore(store, options(a, { dataParallel: { workers: 2, workerModule: 'x' } as never })),
    ).rejects.toThrow(/dataParallel needs Node/);
    a.dispose();
    b.dispose();
  });
});

describe('stored checkpoints (one safetensors file)', () => {
  it('hold the weights under their names (F32), the moments, the state and the log; damage names the field', async () => {
    const model = new TinyMlp(1);
    const store = new MemoryCheckpointStore();
    await browser.trainWithStore(store, options(model, { maxSteps: 4 }));
    const bytes = (await store.get('cb-run', 4))!;
    const tensors = readSafetensors(bytes);
    for (const [name, v] of model.params) {
      expect(tensors.get(name)!.dtype).toBe('F32');
      expect(Array.from(tensors.get(name)!.data)).toEqual(Array.from(v.dataSync()));
      expect(tensors.get(`optimizer.m.${name}`)!.shape).toEqual(v.shape);
    }
    const meta = readSafetensorsMetadata(bytes);
    expect(meta.format).toBe('selfevo-checkpoint/1');
    expect(JSON.parse(meta.state)).toMatchObject({
      step: 4,
      optimizer: { step: 4 },
      extra: { trainer: { step: 4 } },
    });

    const withMeta = (patch: Record<string, string>) =>
      writeSafetensors(tensors, { ...meta, ...patch }) as Uint8Array;
    const state = JSON.parse(meta.state);
    for (const [patch, message] of [
      [{ format: 'x' }, /format must be "selfevo-checkpoint\/1", got "x"/],
      [{ state: '{' }, /__metadata__.state is not JSON/],
      [{ state: JSON.stringify({ ...state, step: -1 }) }, /__metadata__.state.step is damaged, got -1/],
      [
        { state: JSON.stringify({ ...state, rng: { s: [1, 2, 3], spareNormal: null } }) },
        /state.rng.s is damaged/,
      ],
      [{ log: '{"step":"x"}\n' }, /__metadata__.log: .*step must be an integer/],
    ] as const)
      expect(() => decodeStoredCheckpoint(withMeta(patch), 'r/checkpoint-4')).toThrow(message);
    const noV = new Map([...tensors].filter(([k]) => !k.startsWith('optimizer.v.dense1.bias')));
    expect(() => decodeStoredCheckpoint(writeSafetensors(noV, meta), 'c')).toThrow(
      /optimizer.m.dense1.bias has no optimizer.v.dense1.bias/,
    );
    const bad = new Map([['optimizer.x', { shape: [1], data: new Float32Array(1) }]]);
    expect(() => decodeStoredCheckpoint(writeSafetensors(bad, meta), 'c')).toThrow(/neither a parameter/);
    const clash = new Map([['optimizer.m', tf.variable(tf.zeros([1]))]]);
    await expect(encodeStoredCheckpoint({ params: clash, step: 0 })).rejects.toThrow(TrainerConfigError);
    clash.get('optimizer.m')!.dispose();
    model.dispose();
  });
});

describe('IndexedDbCheckpointStore', () => {
  it('keeps bytes by run and step (numeric order), replaces, deletes, and checks its keys', async () => {
    const indexedDB = new IDBFactory();
    const s = await IndexedDbCheckpointStore.open({ indexedDB });
    await s.put('a', 10, new Uint8Array([1]));
    await s.put('a', 9, new Uint8Array([2, 3]));
    await s.put('ab', 1, new Uint8Array([4]));
    await s.put('a', 10, new Uint8Array([5]));
    expect(await s.steps('a')).toEqual([9, 10]);
    expect(Array.from((await s.get('a', 10))!)).toEqual([5]);
    expect(await s.get('a', 11)).toBeNull();
    await s.delete('a', 9);
    await s.delete('a', 123);
    expect(await s.steps('a')).toEqual([10]);
    expect(await s.steps('ab')).toEqual([1]);
    await expect(s.put('', 1, new Uint8Array())).rejects.toThrow(TrainerConfigError);
    await expect(s.get('a', -1)).rejects.toThrow(/integer >= 0/);
    await expect(s.put('a', 1, [1] as never)).rejects.toThrow(/Uint8Array/);
    s.close();
    const again = await IndexedDbCheckpointStore.open({ indexedDB });
    expect(await again.steps('a')).toEqual([10]);
    again.close();
    await expect(IndexedDbCheckpointStore.open()).rejects.toThrow(/IndexedDB is not available/);
  });
});
