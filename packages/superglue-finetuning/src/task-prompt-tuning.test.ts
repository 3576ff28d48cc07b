import { rm } from 'node:fs/promises';
import { useBackend } from '@selfevo/backend';
import { makeConfig } from '@selfevo/encoder-model';
import { pandaDistillation, SoftPrompt } from '@selfevo/prompt-transfer';
import { type FormulatedExample, SCORED_TASKS } from '@selfevo/superglue-datasets';
import { Tokenizer } from '@selfevo/tokenizer';
import { train } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFormulated } from './finetune-task.js';
import { capExamples, evalBatches, type TaskBatch } from './task-batches.js';
import { forwardBatch, taskLoss } from './task-forward.js';
import { createTaskModel, type EncoderSource } from './task-model.js';
import { scoreExamples } from './task-predict.js';
import { createTaskPromptTuning } from './task-prompt-tuning.js';
import { resolveRecipe } from './task-recipes.js';
import { hasSharedData, makeTinySuperGlue, VOCAB } from './test-fixtures/tiny-superglue.js';

const TASKS = ['BoolQ', 'CB', 'COPA', 'MultiRC', 'ReCoRD', 'RTE', 'WiC', 'WSC'] as const;

function snapshot(m: Map<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...m].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
}
function changed(m: Map<string, tf.Variable>, before: Map<string, Float32Array>): string[] {
  return [...m].filter(([k, v]) => v.dataSync().some((x, i) => x !== before.get(k)![i])).map(([k]) => k);
}
const once = (batch: TaskBatch) => ({
  batchesPerEpoch: 1,
  *epochBatches() {
    yield batch;
  },
});

describe.skipIf(!hasSharedData)('prompt tuning every SuperGLUE formulation through train()', () => {
  let data: string;
  let tok: Tokenizer;
  let encoder: EncoderSource;
  const examples = new Map<string, FormulatedExample[]>();
  beforeAll(async () => {
    await useBackend('wasm');
    data = await makeTinySuperGlue();
    tok = await Tokenizer.fromBertVocab(VOCAB);
    encoder = {
      config: makeConfig({
        vocabSize: tok.getVocabSize(),
        hiddenSize: 32,
        numHiddenLayers: 2,
        numAttentionHeads: 2,
        intermediateSize: 48,
        maxPositionEmbeddings: 160,
        initializerRange: 0.2,
      }),
      origin: 'test',
    };
    expect([...TASKS].sort()).toEqual([...SCORED_TASKS].sort());
    for (const task of TASKS) {
      const recipe = resolveRecipe(task, { maxLength: task === 'ReCoRD' ? 128 : 64 });
      const all = (await loadFormulated(task, 'train', data, tok, recipe)).examples;
      examples.set(task, capExamples(all, task === 'ReCoRD' ? 16 : 8, 0));
    }
  });
  afterAll(() => rm(data, { recursive: true, force: true }));

  for (const mode of ['prompt', 'prefix'] as const)
    it(`${mode === 'prompt' ? 'input-level prompts' : 'deep prompts (prefixes)'}: loss falls, only prompt + head change, tensor count flat`, async () => {
      for (const [t, task] of TASKS.entries()) {
        const ex = examples.get(task)!;
        const batch = evalBatches(ex, ex.length, 0)[0]!;
        const { model } = createTaskModel(task, encoder, t);
        const prompt = SoftPrompt.create(model.encoder, {
          numVirtualTokens: 4,
          prefix: mode === 'prefix',
          seed: t,
          randomInitStd: 0.5,
        });
        const tuning = createTaskPromptTuning(task, model, prompt, { dropout: false });
        expect(tuning.parameters[0], task).toBe(
          mode === 'prefix' ? 'prefix_key_values' : 'prompt_embeddings',
        );
        expect(tuning.parameters.slice(1).sort(), task).toEqual(['classifier.bias', 'classifier.weight']);
        const encoderBefore = snapshot(model.encoder.namedParameters());
        const trainedBefore = snapshot(tuning.model.trainedParameters());
        const losses: number[] = [];
        const counts: number[] = [];
        await train({
          ...tuning,
          trainData: once(batch),
          optimizer: tuning.model.optimizerOptions({ promptLr: 5e-2, headLr: 5e-2 }),
          maxSteps: 8,
          progress: 'none',
          callbacks: [
            {
              onStepEnd: ({ loss }) => {
                losses.push(loss);
                counts.push(tf.memory().numTensors);
              },
            },
          ],
        });
        expect(losses.at(-1)!, `${task} ${losses.map((l) => l.toFixed(3))}`).toBeLessThan(losses[0]! * 0.9);
        expect(counts.at(-1), task).toBe(counts[2]);
        expect(changed(model.encoder.namedParameters(), encoderBefore), task).toEqual([]);
        expect(changed(tuning.model.trainedParameters(), trainedBefore).sort(), task).toEqual(
          [...tuning.parameters].sort(),
        );
        // the logits rows and targets are the task's: one per COPA question, one per other input
        const rows = tf.tidy(() => tuning.model.logits(batch).shape[0]);
        expect(rows, task).toBe(task === 'COPA' ? batch.size / 2 : batch.size);
        // the loss is taskLoss's formula, with the prompt attached
        const a = tf.tidy(() => tuning.lossFn(tuning.model, batch, false).dataSync()[0]);
        expect(Number.isFinite(a)).toBe(true);
        // evaluation uses the prompt: scores differ from the bare model's
        const before = tf.memory().numTensors;
        const withPrompt = await scoreExamples(model, ex, 8, 0, undefined, prompt);
        const bare = await scoreExamples(model, ex, 8, 0);
        expect(tf.memory().numTensors, task).toBe(before);
        expect(withPrompt.scores.length).toBe(ex.length);
        expect(
          withPrompt.scores.some((s, i) => s.some((x, j) => x !== bare.scores[i]![j])),
          task,
        ).toBe(true);
        prompt.dispose();
        model.dispose();
      }
    });

  it('the loss by hand from the raw head outputs (COPA pairs, ReCoRD sigmoid, WSC classes); PANDA distils on the same logits', () => {
    const lse = (xs: number[]) => {
      const m = Math.max(...xs);
      return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
    };
    for (const task of ['COPA', 'ReCoRD', 'WSC'] as const) {
      const ex = examples.get(task)!;
      const batch = evalBatches(ex, ex.length, 0)[0]!;
      const { model } = createTaskModel(task, encoder, 3);
      const teacherModel = createTaskModel(task, encoder, 4).model;
      const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 2, seed: 1 });
      const teacherPrompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 2, seed: 2 });
      const tuning = createTaskPromptTuning(task, model, prompt);
      const raw = tf.tidy(() =>
        Array.from(forwardBatch(model, batch, false, prompt.encoderInputs()).dataSync()),
      );
      let want = 0;
      if (task === 'COPA') {
        // one softmax over each question's two candidate scores
        for (let q = 0; q < batch.size / 2; q++) {
          const e = batch.examples[2 * q]!;
          const answer = e.kind === 'copa' ? e.answer! : -1;
          want += lse([raw[2 * q]!, raw[2 * q + 1]!]) - raw[2 * q + answer]!;
        }
        want /= batch.size / 2;
      } else if (task === 'ReCoRD') {
        // yes/no per candidate: −log σ(s) for the gold entity, −log(1 − σ(s)) for the others
        raw.forEach((s, i) => {
          want += batch.labels![i] === 1 ? Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
        });
        want /= batch.size;
      } else {
        for (let b = 0; b < batch.size; b++) {
          const row = raw.slice(2 * b, 2 * b + 2);
          want += lse(row) - row[batch.labels![b]!]!;
        }
        want /= batch.size;
      }
      const [got, fine, kd0] = tf.tidy(() => [
        tuning.lossFn(tuning.model, batch, false).dataSync()[0],
        taskLoss(model, batch, false).dataSync()[0], // fine-tuning's loss: no prompt
        pandaDistillation(tuning, { model: teacherModel, prompt: teacherPrompt }, { lambda: 0 })
          .lossFn(tuning.model, batch, false)
          .dataSync()[0],
      ]);
      expect(got, task).toBeCloseTo(want, 5);
      expect(kd0, task).toBe(got); // λ = 0: the task loss alone
      expect(Math.abs(fine - got), task).toBeGreaterThan(1e-6); // the prompt is attached
      expect(() => tuning.lossFn(tuning.model, evalBatches(examples.get('CB')!, 4, 0)[0]!, false)).toThrow(
        /a CB batch for a/,
      );
      prompt.dispose();
      teacherPrompt.dispose();
      model.dispose();
      teacherModel.dispose();
    }
  });
});
