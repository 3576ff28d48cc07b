import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertForSequenceClassification, makeConfig, SeededRandom } from '@selfevo/encoder-model';
import { describeEachBackend } from '@selfevo/test-utils';
import { arrayBatchSource, ResumeError, train } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import { ffnActivations } from './ffn-activations.js';
import { createPromptTuning, type PromptBatch, promptTuningLoss } from './prompt-tuning.js';
import { SoftPrompt } from './soft-prompt.js';
import { changed, snapshot, tinyBatch, tinyClassifier, tinyConfig } from './test-fixtures/tiny.js';
import { trainOnBatch } from './test-fixtures/train-prompt.js';

describeEachBackend('prompt tuning through train() (frozen encoder)', () => {
  it('prompt + head learn a tiny task; every encoder weight stays bit-identical', async () => {
    const model = tinyClassifier(1);
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 4, seed: 2 });
    const tuning = createPromptTuning({ model, prompt, dropout: false });
    expect(tuning.parameters).toEqual(['prompt_embeddings', 'classifier.weight', 'classifier.bias']);
    expect([...tuning.model.trainedParameters().keys()]).toEqual(tuning.parameters);
    // train() sees the frozen encoder too (it fingerprints it for resumes) but trains only `parameters`
    expect([...tuning.model.namedParameters().keys()]).toEqual([
      ...tuning.parameters,
      ...model.encoder.namedParameters().keys(),
    ]);
    expect(tuning.model.rng).toBe(model.encoder.rng);
    const batch = tinyBatch(3, 8, 6, 2);
    const encoderBefore = snapshot(model.encoder.namedParameters());
    const headBefore = snapshot(model.head.params);
    const promptBefore = snapshot(prompt.namedParameters());
    const { losses, result } = await trainOnBatch(tuning, batch, 40, { lr: 5e-2 });
    expect(result.step).toBe(40);
    expect(losses.length).toBe(40);
    console.log(`prompt+head loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]);
    const pred = tuning.model.predict(batch);
    const logits = tf.tidy(() => tuning.model.logits(batch).arraySync());
    expect(Array.from(pred)).toEqual(logits.map((r) => (r[1] > r[0] ? 1 : 0)));
    const acc = tuning.model.accuracy(batch);
    expect(acc).toBe(Array.from(pred).filter((p, i) => p === batch.labels![i]).length / 8);
    expect(acc).toBeGreaterThanOrEqual(0.75); // memorised most of the 8 examples
    expect(changed(model.encoder.namedParameters(), encoderBefore)).toEqual([]);
    expect(changed(model.head.params, headBefore).sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(changed(prompt.namedParameters(), promptBefore)).toEqual(['prompt_embeddings']);
    prompt.dispose();
    model.dispose();
  });

  it('prompt only (trainHead: false): the loss falls through the prompt alone; head and encoder unchanged', async () => {
    const model = tinyClassifier(4);
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 4, seed: 5 });
    const tuning = createPromptTuning({ model, prompt, trainHead: false, dropout: false });
    expect(tuning.parameters).toEqual(['prompt_embeddings']);
    const batch = tinyBatch(6, 4, 5);
    const all = model.namedParameters();
    const before = snapshot(all);
    const { losses } = await trainOnBatch(tuning, batch, 25, { lr: 5e-2 });
    console.log(`prompt-only loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`);
    expect(losses.at(-1)!).toBeLessThan(0.8 * losses[0]);
    expect(changed(all, before)).toEqual([]);
    prompt.dispose();
    model.dispose();
  });

  it('deep prompts (prefix) learn too, with dropout on; encoder bit-identical', async () => {
    const model = tinyClassifier(2);
    const prompt = SoftPrompt.create(model.encoder, {
      numVirtualTokens: 3,
      prefix: true,
      seed: 1,
      randomInitStd: 0.5,
    });
    const tuning = createPromptTuning({ model, prompt });
    expect(tuning.parameters[0]).toBe('prefix_key_values');
    const batch = tinyBatch(8, 8, 6, 1);
    const encoderBefore = snapshot(model.encoder.namedParameters());
    const promptBefore = snapshot(prompt.namedParameters());
    const eval0 = tf.tidy(() => tuning.model.logits(batch).arraySync());
    // dropout is on while training: two training-mode forwards differ, eval-mode ones do not
    const twice = tf.tidy(() => [0, 1].map(() => tuning.model.logits(batch, true).arraySync()));
    expect(twice[0]).not.toEqual(twice[1]);
    expect(tf.tidy(() => tuning.model.logits(batch).arraySync())).toEqual(eval0);
    const { losses } = await trainOnBatch(tuning, batch, 40, { lr: 5e-2 });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `prefix loss first5 ${mean(losses.slice(0, 5)).toFixed(4)} → last5 ${mean(losses.slice(-5)).toFixed(4)}`,
    );
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    expect(changed(model.encoder.namedParameters(), encoderBefore)).toEqual([]);
    expect(changed(prompt.namedParameters(), promptBefore)).toEqual(['prefix_key_values']);
    expect(tf.tidy(() => tuning.model.logits(batch).arraySync())).not.toEqual(eval0);
    prompt.dispose();
    model.dispose();
  });

  it('RoBERTa: prompt and prefix tuning learn with the encoder frozen; FFN activations per layer', async () => {
    const cfg = makeConfig({
      ...tinyConfig,
      modelType: 'roberta',
      padTokenId: 1,
      typeVocabSize: 1,
      maxPositionEmbeddings: 44,
    });
    const model = new BertForSequenceClassification(cfg, { seed: 2 });
    const batch = tinyBatch(5, 6, 6, 2);
    // RoBERTa pads with id 1 ([CLS]-like <s> is 0)
    const ids = (batch.inputIds as { data: Int32Array }).data;
    const mask = (batch.attentionMask as { data: Int32Array }).data;
    for (let i = 0; i < ids.length; i++) ids[i] = mask[i] ? (i % 6 === 0 ? 0 : ids[i]) : 1;
    const before = snapshot(model.encoder.namedParameters());
    for (const prefix of [false, true]) {
      const prompt = SoftPrompt.create(model.encoder, {
        numVirtualTokens: 3,
        prefix,
        seed: 4,
        randomInitStd: 0.5,
      });
      const tuning = createPromptTuning({ model, prompt, dropout: false });
      const { losses } = await trainOnBatch(tuning, batch, 20, { lr: 5e-2 });
      expect(losses.at(-1)!, `prefix=${prefix}`).toBeLessThan(0.7 * losses[0]);
      expect(ffnActivations(model.encoder, prompt, batch).length).toBe(2);
      prompt.dispose();
    }
    expect(changed(model.encoder.namedParameters(), before)).toEqual([]);
    model.dispose();
  });

  it('numTensors is the same after step 5 and after step 60 (prompt and prefix)', async () => {
    for (const prefix of [false, true]) {
      const model = tinyClassifier(3);
      const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 2, prefix, seed: 1 });
      const tuning = createPromptTuning({ model, prompt });
      const batch = tinyBatch(1, 4, 5, 1);
      const counts: number[] = [];
      await trainOnBatch(
        tuning,
        batch,
        60,
        { lr: 1e-2 },
        {
          callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
        },
      );
      expect(counts[59], `prefix=${prefix}`).toBe(counts[4]);
      const at = tf.memory().numTensors;
      const l = tuning.model.logits(batch);
      l.dispose();
      tf.dispose(promptTuningLoss(tuning.model, batch, true));
      expect(tf.memory().numTensors).toBe(at);
      prompt.dispose();
      model.dispose();
    }
  });

  it('checkpoints and exact resume: 6 steps = 3 steps, a crash, and a resume (dropout on, shuffled data)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prompt-resume-'));
    const examples: PromptBatch[] = Array.from({ length: 6 }, (_, i) => tinyBatch(30 + i, 2, 6, 1));
    const data = arrayBatchSource(examples, {
      batchSize: 2,
      collate: (xs) => ({
        inputIds: {
          data: Int32Array.from(xs.flatMap((x) => [...(x.inputIds as { data: Int32Array }).data])),
          shape: [2 * xs.length, 6],
        },
        attentionMask: {
          data: Int32Array.from(xs.flatMap((x) => [...(x.attentionMask as { data: Int32Array }).data])),
          shape: [2 * xs.length, 6],
        },
        labels: xs.flatMap((x) => [...x.labels!]),
      }),
    });
    const encoder = tinyClassifier(7).encoder; // one frozen backbone for every run
    const backboneBefore = snapshot(encoder.namedParameters());
    const run = (promptSeed: number, outputDir: string, extra: object = {}, backbone = encoder) => {
      backbone.rng.setState(new SeededRandom(promptSeed).getState()); // the head draws its init from it
      const model = new BertForSequenceClassification(tinyConfig, { encoder: backbone });
      const prompt = SoftPrompt.create(backbone, { numVirtualTokens: 2, prefix: true, seed: promptSeed });
      const tuning = createPromptTuning({ model, prompt });
      const done = train({
        ...tuning,
        trainData: data,
        optimizer: { lr: 3e-2, weightDecay: 0 },
        epochs: 2, // 6 steps
        outputDir,
        saveEverySteps: 3,
        logEverySteps: 1,
        seed: 5, // train() re-seeds the model's rng (dropout) per micro-batch
        progress: 'none',
        ...extra,
      });
      return { model, prompt, tuning, done };
    };
    try {
      const a = run(1, join(dir, 'a'));
      const ra = await a.done;
      expect(ra.totalSteps).toBe(6);
      const b = run(1, join(dir, 'b'), {
        callbacks: [
          {
            onStepEnd: ({ step }: { step: number }) => {
              if (step === 4) throw new Error('simulated crash');
            },
          },
        ],
      });
      await expect(b.done).rejects.toThrow('simulated crash');
      expect((await readdir(join(dir, 'b'))).filter((n) => n.startsWith('checkpoint-'))).toEqual([
        'checkpoint-3',
      ]);
      // another prompt and head init: everything trained must come from the checkpoint
      const c = run(9, join(dir, 'b'), { resumeFrom: 'latest' });
      const rc = await c.done;
      expect(rc.resumedFromStep).toBe(3);
      expect(rc.step).toBe(6);
      expect(c.prompt.toData().data).toEqual(a.prompt.toData().data);
      expect(changed(c.tuning.model.namedParameters(), snapshot(a.tuning.model.namedParameters()))).toEqual(
        [],
      );
      const lossAt = (r: typeof ra) => r.logHistory.filter((x) => x.type === 'train').map((x) => x.loss);
      expect(lossAt(rc)).toEqual(lossAt(ra).slice(3));
      expect(changed(encoder.namedParameters(), backboneBefore)).toEqual([]);
      // the checkpoint holds the prompt and head only, plus a fingerprint of the frozen rest:
      // resuming it on another backbone is refused
      const otherBackbone = tinyClassifier(8).encoder;
      const d = run(1, join(dir, 'b'), { resumeFrom: join(dir, 'b', 'checkpoint-3') }, otherBackbone);
      await expect(d.done).rejects.toThrow(ResumeError);
      await expect(d.done).rejects.toThrow(/other frozen weights/);
      for (const r of [a, b, c, d]) {
        r.prompt.dispose();
        r.model.dispose(); // its head: the backbone is shared
      }
      otherBackbone.dispose();
    } finally {
      encoder.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('optimizerOptions: the prompt and the head take their first AdamW step at their own learning rates', async () => {
    const model = tinyClassifier(6);
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 3, seed: 2 });
    const tuning = createPromptTuning({ model, prompt, dropout: false });
    const opts = tuning.model.optimizerOptions({ promptLr: 1e-2, headLr: 1e-3, weightDecay: 0.5 });
    expect(opts).toEqual({
      lr: 1e-2,
      weightDecay: 0.5,
      parameterGroups: [
        { params: ['prompt_embeddings'], lr: 1e-2, weightDecay: 0 },
        { params: ['classifier.weight', 'classifier.bias'], lr: 1e-3 },
      ],
    });
    const before = snapshot(tuning.model.namedParameters());
    await trainOnBatch(tuning, tinyBatch(4, 4, 5), 1, { ...opts, weightDecay: 0 });
    // AdamW's first step moves every element by lr · g / (|g| + ε) ≈ ±lr
    const steps = (name: string) => {
      const now = tuning.model.namedParameters().get(name)!.dataSync();
      return Array.from(before.get(name)!, (x, i) => Math.abs(now[i] - x));
    };
    for (const [name, lr] of [
      ['prompt_embeddings', 1e-2],
      ['classifier.weight', 1e-3],
      ['classifier.bias', 1e-3],
    ] as const) {
      const d = steps(name);
      expect(Math.max(...d), name).toBeLessThan(lr * 1.001);
      expect(d.reduce((a, b) => a + b, 0) / d.length, name).toBeGreaterThan(lr * 0.9);
    }
    expect(tuning.model.optimizerOptions().parameterGroups![0].lr).toBe(1e-2); // the defaults
    expect(tuning.model.optimizerOptions().parameterGroups![1].lr).toBe(1e-3);
    expect(() => tuning.model.optimizerOptions({ promptLr: 0 })).toThrow(PromptConfigError);
    expect(() => tuning.model.optimizerOptions({ headLr: Number.NaN })).toThrow(/^headLr/);
    expect(() => tuning.model.optimizerOptions({ weightDecay: -1 })).toThrow(/^weightDecay/);
    const promptOnly = createPromptTuning({ model, prompt, trainHead: false });
    expect(promptOnly.model.optimizerOptions().parameterGroups).toEqual([
      { params: ['prompt_embeddings'], lr: 1e-2, weightDecay: 0 },
    ]);
    prompt.dispose();
    model.dispose();
  });

  it('rejects a prompt for another width or depth, a model without a head, a bad loss and missing labels', () => {
    const model = tinyClassifier(3);
    const wide = new SoftPrompt(
      'prompt',
      { shape: [2, 8], data: new Float32Array(16) },
      { promptTuningInit: 'RANDOM', seed: 0 },
    );
    expect(() => createPromptTuning({ model, prompt: wide })).toThrow(PromptMismatchError);
    const deep = new SoftPrompt(
      'prefix',
      { shape: [3, 2, 2, 16], data: new Float32Array(192) },
      { promptTuningInit: 'RANDOM', seed: 0 },
    );
    expect(() => createPromptTuning({ model, prompt: deep })).toThrow(
      /prefix is for 3 layers, the encoder has 2/,
    );
    const ok = SoftPrompt.create(model.encoder, { numVirtualTokens: 2 });
    const headless = {
      encoder: model.encoder,
      forward: (inp: Parameters<typeof model.forward>[0]) => model.forward(inp),
      setTraining: () => {},
    };
    expect(() => createPromptTuning({ model: headless, prompt: ok })).toThrow(
      /^trainHead: the model has no head parameters/,
    );
    expect(() => createPromptTuning({ model, prompt: ok, loss: 'ce' as unknown as () => tf.Scalar })).toThrow(
      PromptConfigError,
    );
    const t = createPromptTuning({ model, prompt: ok });
    expect(() => t.lossFn(t.model, { inputIds: [[1, 2]] }, true)).toThrow(/batch.labels/);
    for (const x of [wide, deep, ok]) x.dispose();
    model.dispose();
  });
});

describeEachBackend(
  'prompt tuning errors',
  () => {
    it('an op without a gradient (einsum) in a custom loss stops train() before any update', async () => {
      const model = tinyClassifier(3);
      const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 2 });
      const tuning = createPromptTuning({
        model,
        prompt,
        loss: (logits) => tf.sum(tf.einsum('bc,bc->b', logits, logits)) as tf.Scalar,
      });
      const before = snapshot(model.namedParameters());
      const promptBefore = snapshot(prompt.namedParameters());
      await expect(trainOnBatch(tuning, tinyBatch(1, 2, 4), 3)).rejects.toThrow(
        /gradient function not found/,
      );
      expect(changed(prompt.namedParameters(), promptBefore)).toEqual([]);
      expect(changed(model.namedParameters(), before)).toEqual([]);
      prompt.dispose();
      model.dispose();
    });
  },
  { backends: ['cpu'] }, // wasm has no Einsum kernel at all (docs/platform-notes.md)
);
