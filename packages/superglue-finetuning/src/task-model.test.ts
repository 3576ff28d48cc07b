import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, makeConfig } from '@selfevo/encoder-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointMismatchError } from './errors.js';
import { createTaskModel, loadEncoderSource, taskHeadKind } from './task-model.js';

const config = (hiddenSize: number) =>
  makeConfig({
    vocabSize: 50,
    hiddenSize,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 16,
    maxPositionEmbeddings: 32,
  });

describe('task models from a pretraining checkpoint', () => {
  let dir: string;
  beforeAll(async () => {
    await useBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'selfevo-sg-model-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads the encoder weights of an MLM checkpoint and starts only pooler + head fresh', async () => {
    const mlm = new BertForMaskedLM(config(8), { seed: 7 });
    await mlm.savePretrained(join(dir, 'mlm'));
    const source = await loadEncoderSource(join(dir, 'mlm'));
    const saved = mlm.stateDict();
    mlm.dispose();
    for (const task of ['CB', 'COPA', 'ReCoRD', 'WiC', 'WSC', 'MultiRC'] as const) {
      const { model, freshParameters } = createTaskModel(task, source, 1);
      expect(freshParameters.sort(), task).toEqual(
        ['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight'].sort(),
      );
      const w = model.namedParameters().get('bert.encoder.layer.0.attention.self.query.weight')!;
      expect(Array.from(w.dataSync())).toEqual(
        Array.from(saved.get('bert.encoder.layer.0.attention.self.query.weight')!.data),
      );
      const classes = model.namedParameters().get('classifier.weight')!.shape[0];
      expect(classes, task).toBe(
        task === 'CB' ? 3 : taskHeadKind(task) === 'choice' || task === 'ReCoRD' ? 1 : 2,
      );
      model.dispose();
    }
  });

  it('refuses a checkpoint of another shape, naming the folder', async () => {
    const other = new BertForMaskedLM(config(8), { seed: 1 });
    await other.savePretrained(join(dir, 'h8'));
    other.dispose();
    const source = await loadEncoderSource(join(dir, 'h8'));
    const wrong = { ...source, config: config(12) };
    expect(() => createTaskModel('RTE', wrong, 0)).toThrow(
      /h8: the checkpoint does not fit a RTE model: mismatched/,
    );
    expect(() => createTaskModel('RTE', wrong, 0)).toThrow(CheckpointMismatchError);
  });

  it('a random init is seeded: same seed, same weights', () => {
    const a = createTaskModel('WiC', { config: config(8), origin: 'test' }, 5).model;
    const b = createTaskModel('WiC', { config: config(8), origin: 'test' }, 5).model;
    for (const [name, v] of a.namedParameters())
      expect(Array.from(v.dataSync()), name).toEqual(Array.from(b.namedParameters().get(name)!.dataSync()));
    a.dispose();
    b.dispose();
  });
});
