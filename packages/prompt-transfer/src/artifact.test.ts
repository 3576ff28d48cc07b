import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertForSequenceClassification, BertModel, loadWeights, makeConfig } from '@selfevo/encoder-model';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  backboneFingerprint,
  loadPrompt,
  PROMPT_CONFIG_FILE,
  PROMPT_WEIGHTS_FILE,
  savePrompt,
} from './artifact.js';
import { PromptArtifactError, PromptMismatchError } from './errors.js';
import { SoftPrompt } from './soft-prompt.js';
import { tinyClassifier, tinyConfig } from './test-fixtures/tiny.js';

describeEachBackend('prompt artifact', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prompt-artifact-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backbone hash: stable, independent of heads, changes with any weight bit', async () => {
    const a = new BertModel(tinyConfig, { seed: 7 });
    const b = new BertModel(tinyConfig, { seed: 7 });
    const fa = await backboneFingerprint(a, 'tiny');
    expect(fa.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fa).toMatchObject({
      name: 'tiny',
      hiddenSize: 16,
      numLayers: 2,
      vocabSize: 60,
      modelType: 'bert',
    });
    expect((await backboneFingerprint(b, 'other name')).hash).toBe(fa.hash);
    const cls = tinyClassifier(7);
    expect((await backboneFingerprint(cls.encoder, 'tiny')).hash).toBe(fa.hash);
    // flip the lowest mantissa bit of one value
    const v = b.p('encoder.layer.1.output.dense.bias');
    const data = Float32Array.from(v.dataSync());
    const bits = new Uint32Array(data.buffer);
    bits[3] ^= 1;
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    expect((await backboneFingerprint(b, 'tiny')).hash).not.toBe(fa.hash);
    for (const m of [a, b, cls]) m.dispose();
  });

  it('round trip: prompt values bit-exact, head tensors, metadata; overwrite leaves no temp folders', async () => {
    const model = tinyClassifier(3);
    const fp = await backboneFingerprint(model.encoder, 'tiny-bert');
    const prompt = SoftPrompt.create(model.encoder, {
      numVirtualTokens: 5,
      promptTuningInit: 'VOCAB',
      vocabInitOffset: 10,
      seed: 4,
    });
    const out = join(dir, 'cb-prompt');
    await savePrompt(out, prompt, {
      backbone: fp,
      task: 'cb',
      steps: 120,
      devScore: 0.75,
      devMetric: 'accuracy',
      head: model.head.params,
    });
    expect(readdirSync(out).sort()).toEqual([PROMPT_CONFIG_FILE, PROMPT_WEIGHTS_FILE].sort());
    const loaded = await loadPrompt(out, { backbone: fp });
    expect(loaded.prompt.shape).toEqual([5, 16]);
    expect(Array.from(loaded.prompt.data)).toEqual(Array.from(prompt.variable.dataSync()));
    expect(loaded.metadata).toMatchObject({
      format: 'selfevo-prompt/1',
      mode: 'prompt',
      numVirtualTokens: 5,
      hiddenSize: 16,
      numLayers: null,
      task: 'cb',
      steps: 120,
      devScore: 0.75,
      devMetric: 'accuracy',
      head: ['classifier.bias', 'classifier.weight'],
      init: { promptTuningInit: 'VOCAB', seed: 4, tokenIds: prompt.init.tokenIds },
    });
    expect(loaded.metadata.backbone).toEqual(fp);
    expectAllClose(
      loaded.head.get('classifier.weight')!.data,
      model.head.params.get('classifier.weight')!,
      0,
    );
    // the saved head loads back into a fresh classifier on the same encoder
    const twin = new BertForSequenceClassification(tinyConfig, { encoder: model.encoder });
    loadWeights(twin.head.params, loaded.head);
    expectAllClose(twin.head.params.get('classifier.bias')!, model.head.params.get('classifier.bias')!, 0);
    // reuse as a SOURCE init
    const again = SoftPrompt.create(model.encoder, {
      numVirtualTokens: 5,
      promptTuningInit: 'SOURCE',
      sourcePrompt: loaded.prompt,
    });
    expectAllClose(again.variable, prompt.variable, 0);
    // overwrite with a prefix prompt: replaced whole, nothing left behind
    const prefix = SoftPrompt.create(model.encoder, { numVirtualTokens: 2, prefix: true, seed: 1 });
    await savePrompt(out, prefix, { backbone: fp });
    expect(readdirSync(dir).filter((f) => f.startsWith('cb-prompt'))).toEqual(['cb-prompt']);
    const l2 = await loadPrompt(out, { backbone: fp });
    expect(l2.metadata).toMatchObject({ mode: 'prefix', numLayers: 2, task: null, head: [] });
    expect(l2.head.size).toBe(0);
    expectAllClose(l2.prompt.data, prefix.variable, 0);
    for (const x of [prompt, again, prefix]) x.dispose();
    twin.dispose(); // its head: the encoder is the model's
    model.dispose();
  });

  it('loading checks hidden size, layers and backbone hash, naming what differs', async () => {
    const model = tinyClassifier(3);
    const fp = await backboneFingerprint(model.encoder, 'tiny-bert');
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 3 });
    const prefix = SoftPrompt.create(model.encoder, { numVirtualTokens: 3, prefix: true });
    await savePrompt(join(dir, 'p'), prompt, { backbone: fp });
    await savePrompt(join(dir, 'k'), prefix, { backbone: fp });
    const otherWeights = new BertModel(tinyConfig, { seed: 99 });
    const fpOther = await backboneFingerprint(otherWeights, 'tiny-bert-retrained');
    const err = await loadPrompt(join(dir, 'p'), { backbone: fpOther }).catch((e) => e);
    expect(err).toBeInstanceOf(PromptMismatchError);
    expect(err.parameter).toBe('backbone.hash');
    expect(err.message).toMatch(/trained on tiny-bert \(sha256:.*this backbone tiny-bert-retrained/);
    const ok = await loadPrompt(join(dir, 'p'), { backbone: fpOther, allowBackboneMismatch: true });
    expect(ok.prompt.shape).toEqual([3, 16]);
    const wide = new BertModel(makeConfig({ ...tinyConfig, hiddenSize: 32, numAttentionHeads: 2 }), {
      seed: 1,
    });
    const fpWide = await backboneFingerprint(wide, 'wide');
    const e2 = await loadPrompt(join(dir, 'p'), { backbone: fpWide, allowBackboneMismatch: true }).catch(
      (e) => e,
    );
    expect(e2).toBeInstanceOf(PromptMismatchError);
    expect(e2.message).toMatch(/^hiddenSize: prompt in .* has hidden size 16 .* backbone wide has 32/);
    const deep = new BertModel(makeConfig({ ...tinyConfig, numHiddenLayers: 3 }), { seed: 1 });
    const fpDeep = await backboneFingerprint(deep, 'deep');
    const e3 = await loadPrompt(join(dir, 'k'), { backbone: fpDeep, allowBackboneMismatch: true }).catch(
      (e) => e,
    );
    expect(e3.message).toMatch(/^numLayers: prefix .* is for 2 layers, backbone deep has 3/);
    // an input-level prompt does not depend on depth
    expect(
      (await loadPrompt(join(dir, 'p'), { backbone: fpDeep, allowBackboneMismatch: true })).prompt.shape,
    ).toEqual([3, 16]);
    await expect(savePrompt(join(dir, 'x'), prompt, { backbone: fpWide })).rejects.toThrow(/^hiddenSize/);
    for (const m of [otherWeights, wide, deep, model]) m.dispose();
    prompt.dispose();
    prefix.dispose();
  });

  it('a missing or inconsistent file is a PromptArtifactError naming the file', async () => {
    const model = tinyClassifier(3);
    const fp = await backboneFingerprint(model.encoder, 'tiny');
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 3 });
    const out = join(dir, 'broken');
    await savePrompt(out, prompt, { backbone: fp });
    const cfgPath = join(out, PROMPT_CONFIG_FILE);
    const meta = JSON.parse(readFileSync(cfgPath, 'utf8'));
    writeFileSync(cfgPath, JSON.stringify({ ...meta, shape: [4, 16] }));
    const e1 = await loadPrompt(out).catch((e) => e);
    expect(e1).toBeInstanceOf(PromptArtifactError);
    expect(e1.message).toMatch(
      /^prompt.safetensors: tensor prompt_embeddings has shape \[3,16\] but prompt_config.json says \[4,16\]/,
    );
    writeFileSync(cfgPath, '{ not json');
    await expect(loadPrompt(out)).rejects.toThrow(/^prompt_config.json: is not valid JSON/);
    rmSync(join(out, PROMPT_WEIGHTS_FILE));
    writeFileSync(cfgPath, JSON.stringify(meta));
    await expect(loadPrompt(out)).rejects.toThrow(/^prompt.safetensors: cannot read it/);
    await expect(loadPrompt(join(dir, 'nowhere'))).rejects.toThrow(PromptArtifactError);
    // a save interrupted after moving the old folder aside: the old artifact is still found
    const kept = join(dir, 'kept');
    await savePrompt(kept, prompt, { backbone: fp, task: 'kept' });
    renameSync(kept, `${kept}.old-123-abc`);
    expect((await loadPrompt(kept)).metadata.task).toBe('kept');
    await savePrompt(kept, prompt, { backbone: fp, task: 'new' });
    expect((await loadPrompt(kept)).metadata.task).toBe('new');
    prompt.dispose();
    model.dispose();
  });
});
