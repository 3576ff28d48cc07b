import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { makeConfig } from '@selfevo/encoder-model';
import { formulate } from '@selfevo/superglue-datasets';
import { loadSplit } from '@selfevo/superglue-datasets/node';
import { Tokenizer } from '@selfevo/tokenizer';
import { readJsonlLog, train } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finetuneTask } from './finetune-task.js';
import { taskBatchSource } from './task-batches.js';
import { taskLoss } from './task-forward.js';
import { createTaskModel, type EncoderSource, type TaskModel } from './task-model.js';
import { resolveRecipe } from './task-recipes.js';
import { hasSharedData, makeTinySuperGlue, VOCAB } from './test-fixtures/tiny-superglue.js';

describe.skipIf(!hasSharedData)('fine-tuning one task', () => {
  let data: string;
  let tok: Tokenizer;
  let encoder: EncoderSource;
  beforeAll(async () => {
    await useBackend('wasm');
    data = await makeTinySuperGlue();
    tok = await Tokenizer.fromBertVocab(VOCAB);
    encoder = {
      config: makeConfig({
        vocabSize: tok.getVocabSize(),
        hiddenSize: 32,
        numHiddenLayers: 1,
        numAttentionHeads: 2,
        intermediateSize: 64,
        maxPositionEmbeddings: 128,
      }),
      origin: 'test',
    };
  });
  afterAll(() => rm(data, { recursive: true, force: true }));

  it('every head kind keeps the tensor count flat over training steps and frees everything', async () => {
    for (const task of ['CB', 'COPA', 'ReCoRD', 'WiC'] as const) {
      const { records } = await loadSplit(task, 'train', { dir: data });
      const examples = formulate(task, records, tok, {
        maxLength: task === 'ReCoRD' ? 128 : 64,
        stride: 16,
      }).slice(0, task === 'ReCoRD' ? 64 : 12);
      const before = tf.memory().numTensors;
      const { model } = createTaskModel(task, encoder, 0);
      const counts: number[] = [];
      await train({
        model,
        lossFn: (m: TaskModel, b, training) => taskLoss(m, b, training),
        trainData: taskBatchSource(examples, 4, tok.padTokenId ?? 0),
        optimizer: { lr: 1e-3 },
        maxSteps: 5,
        progress: 'none',
        callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
      });
      // Step 1 creates the AdamW moments; from then on nothing may accumulate.
      expect(new Set(counts.slice(1)).size, `${task}: ${counts}`).toBe(1);
      model.dispose();
      expect(tf.memory().numTensors, task).toBe(before);
    }
  });

  it('same seed, same run: identical losses and val predictions; the best eval is the reported val', async () => {
    const run = (out: string) =>
      finetuneTask({
        task: 'WSC',
        dataDir: data,
        outDir: join(data, out),
        encoder,
        tokenizer: tok,
        recipe: resolveRecipe('WSC', { epochs: 3, maxLength: 64, batchSize: 4, learningRate: 1e-3 }),
        seed: 11,
        progress: 'none',
        log: () => {},
      });
    const a = await run('a');
    const b = await run('b');
    const la = (await readJsonlLog(a.logPath!)).map(
      ({ elapsed_ms, eval_train_tokens_per_s, eval_predict_tokens_per_s, ...r }) => r,
    );
    const lb = (await readJsonlLog(b.logPath!)).map(
      ({ elapsed_ms, eval_train_tokens_per_s, eval_predict_tokens_per_s, ...r }) => r,
    );
    expect(la).toEqual(lb);
    expect(a.val.metrics).toEqual(b.val.metrics);
    expect([...a.testPredictions!]).toEqual([...b.testPredictions!]);
    const best = (await readJsonlLog(a.logPath!)).find((r) => r.type === 'eval' && r.step === a.bestStep)!;
    expect(a.val.score).toBe(best.eval_score);
    expect(a.steps).toBe(3 * Math.ceil(12 / 4));
  });
});
