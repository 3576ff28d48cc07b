import { describeEachBackend } from '@selfevo/backend/test';
import { BertForSequenceClassification, makeConfig } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import { ffnActivations } from './panda.js';
import { PromptTrainer } from './prompt-trainer.js';
import { SoftPrompt } from './soft-prompt.js';
import { changed, snapshot, tinyBatch, tinyClassifier, tinyConfig } from './test-fixtures/tiny.js';

describeEachBackend('PromptTrainer (frozen encoder)', () => {
  it('prompt + head learn a tiny task; every encoder weight stays bit-identical', () => {
    const model = tinyClassifier(1);
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 4, seed: 2 });
    const trainer = new PromptTrainer(model, prompt, { promptLr: 5e-2, headLr: 5e-2, dropout: false });
    expect([...trainer.trainable.keys()]).toEqual([
      'prompt_embeddings',
      'classifier.weight',
      'classifier.bias',
    ]);
    const batch = tinyBatch(3, 8, 6, 2);
    const encoderBefore = snapshot(model.encoder.namedParameters());
    const headBefore = snapshot(model.head.params);
    const promptBefore = snapshot(prompt.namedParameters());
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) losses.push(trainer.step(batch));
    expect(trainer.steps).toBe(40);
    console.log(`prompt+head loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]);
    const pred = trainer.predict(batch);
    const logits = tf.tidy(() => trainer.logits(batch).arraySync());
    expect(Array.from(pred)).toEqual(logits.map((r) => (r[1] > r[0] ? 1 : 0)));
    const acc = trainer.accuracy(batch);
    expect(acc).toBe(Array.from(pred).filter((p, i) => p === batch.labels![i]).length / 8);
    expect(acc).toBeGreaterThanOrEqual(0.75); // memorised most of the 8 examples
    expect(changed(model.encoder.namedParameters(), encoderBefore)).toEqual([]);
    expect(changed(model.head.params, headBefore).sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(changed(prompt.namedParameters(), promptBefore)).toEqual(['prompt_embeddings']);
    trainer.dispose();
    prompt.dispose();
    model.dispose();
  });

  it('prompt only (trainHead: false): the loss falls through the prompt alone; head and encoder unchanged', () => {
    const model = tinyClassifier(4);
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 4, seed: 5 });
    const trainer = new PromptTrainer(model, prompt, { promptLr: 5e-2, trainHead: false, dropout: false });
    expect([...trainer.trainable.keys()]).toEqual(['prompt_embeddings']);
    const batch = tinyBatch(6, 4, 5);
    const all = model.namedParameters();
    const before = snapshot(all);
    const losses: number[] = [];
    for (let i = 0; i < 25; i++) losses.push(trainer.step(batch));
    console.log(`prompt-only loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`);
    expect(losses.at(-1)!).toBeLessThan(0.8 * losses[0]);
    expect(changed(all, before)).toEqual([]);
    trainer.dispose();
    prompt.dispose();
    model.dispose();
  });

  it('deep prompts (prefix) learn too, with dropout on; encoder bit-identical', () => {
    const model = tinyClassifier(2);
    const prompt = SoftPrompt.create(model.encoder, {
      numVirtualTokens: 3,
      prefix: true,
      seed: 1,
      randomInitStd: 0.5,
    });
    const trainer = new PromptTrainer(model, prompt, { promptLr: 5e-2, headLr: 5e-2 });
    const batch = tinyBatch(8, 8, 6, 1);
    const encoderBefore = snapshot(model.encoder.namedParameters());
    const promptBefore = snapshot(prompt.namedParameters());
    const eval0 = tf.tidy(() => trainer.logits(batch).arraySync());
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) losses.push(trainer.step(batch));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `prefix loss first5 ${mean(losses.slice(0, 5)).toFixed(4)} → last5 ${mean(losses.slice(-5)).toFixed(4)}`,
    );
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    expect(changed(model.encoder.namedParameters(), encoderBefore)).toEqual([]);
    expect(changed(prompt.namedParameters(), promptBefore)).toEqual(['prefix_key_values']);
    expect(tf.tidy(() => trainer.logits(batch).arraySync())).not.toEqual(eval0);
    trainer.dispose();
    prompt.dispose();
    model.dispose();
  });

  it('RoBERTa: prompt and prefix tuning learn with the encoder frozen; FFN recomputation agrees', () => {
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
      const trainer = new PromptTrainer(model, prompt, { promptLr: 5e-2, headLr: 5e-2, dropout: false });
      const losses: number[] = [];
      for (let i = 0; i < 20; i++) losses.push(trainer.step(batch));
      expect(losses.at(-1)!, `prefix=${prefix}`).toBeLessThan(0.7 * losses[0]);
      expect(ffnActivations(model.encoder, prompt, batch).length).toBe(2);
      trainer.dispose();
      prompt.dispose();
    }
    expect(changed(model.encoder.namedParameters(), before)).toEqual([]);
    model.dispose();
  });

  it('numTensors is the same after step 5 and after step 60 (prompt and prefix)', () => {
    for (const prefix of [false, true]) {
      const model = tinyClassifier(3);
      const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 2, prefix, seed: 1 });
      const trainer = new PromptTrainer(model, prompt);
      const batch = tinyBatch(1, 4, 5, 1);
      for (let i = 0; i < 5; i++) trainer.step(batch);
      const at5 = tf.memory().numTensors;
      for (let i = 0; i < 55; i++) trainer.step(batch);
      expect(tf.memory().numTensors, `prefix=${prefix}`).toBe(at5);
      const l = trainer.logits(batch);
      l.dispose();
      expect(tf.memory().numTensors).toBe(at5);
      trainer.dispose();
      prompt.dispose();
      model.dispose();
    }
  });

  it('rejects a prompt for another width or depth, and bad learning rates', () => {
    const model = tinyClassifier(3);
    const wide = new SoftPrompt(
      'prompt',
      { shape: [2, 8], data: new Float32Array(16) },
      { promptTuningInit: 'RANDOM', seed: 0 },
    );
    expect(() => new PromptTrainer(model, wide)).toThrow(PromptMismatchError);
    const deep = new SoftPrompt(
      'prefix',
      { shape: [3, 2, 2, 16], data: new Float32Array(192) },
      { promptTuningInit: 'RANDOM', seed: 0 },
    );
    expect(() => new PromptTrainer(model, deep)).toThrow(/prefix is for 3 layers, the encoder has 2/);
    const ok = SoftPrompt.create(model.encoder, { numVirtualTokens: 2 });
    expect(() => new PromptTrainer(model, ok, { promptLr: 0 })).toThrow(PromptConfigError);
    expect(() => new PromptTrainer(model, ok, { headLr: Number.NaN })).toThrow(/^headLr/);
    const t = new PromptTrainer(model, ok);
    expect(() => t.step({ inputIds: [[1, 2]] })).toThrow(/batch.labels/);
    for (const x of [wide, deep, ok]) x.dispose();
    t.dispose();
    model.dispose();
  });
});

describeEachBackend(
  'PromptTrainer errors',
  () => {
    it('an op without a gradient (einsum) in a custom loss gets a message that says what to do', () => {
      const model = tinyClassifier(3);
      const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 2 });
      const trainer = new PromptTrainer(model, prompt);
      const before = snapshot(prompt.namedParameters());
      expect(() =>
        trainer.step(
          tinyBatch(1, 2, 4),
          (logits) => tf.sum(tf.einsum('bc,bc->b', logits, logits)) as tf.Scalar,
        ),
      ).toThrow(/gradient function not found.*useBackend\(\) from @selfevo\/backend/);
      expect(changed(prompt.namedParameters(), before)).toEqual([]);
      expect(trainer.steps).toBe(0);
      trainer.dispose();
      prompt.dispose();
      model.dispose();
    });
  },
  { backends: ['cpu'] }, // wasm has no Einsum kernel at all (docs/platform-notes.md)
);
