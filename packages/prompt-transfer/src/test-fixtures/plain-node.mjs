// Runs under plain `node` (no vitest, no tsx) against the built package: the published ESM must
// import, register gradients (through @selfevo/backend) and train a prompt on cpu and wasm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { BertForSequenceClassification, makeConfig } from '@selfevo/encoder-model';
import {
  activationSimilarity,
  backboneFingerprint,
  loadPrompt,
  PandaDistiller,
  PromptTrainer,
  SoftPrompt,
  savePrompt,
  spotInit,
} from '@selfevo/prompt-transfer';
import * as tf from '@tensorflow/tfjs-core';

const cfg = makeConfig({
  vocabSize: 40,
  hiddenSize: 8,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 12,
  maxPositionEmbeddings: 20,
  initializerRange: 0.3,
});
const batch = {
  inputIds: [
    [1, 5, 9, 12],
    [1, 7, 7, 30],
    [1, 22, 3, 8],
    [1, 11, 35, 2],
  ],
  labels: [0, 1, 1, 0],
};
const out = {};
const dir = mkdtempSync(join(tmpdir(), 'prompt-plain-node-'));
try {
  for (const backend of ['cpu', 'wasm']) {
    await useBackend(backend);
    const model = new BertForSequenceClassification(cfg, { seed: 3 });
    const prompt = SoftPrompt.create(model.encoder, {
      numVirtualTokens: 3,
      promptTuningInit: 'TEXT',
      promptTuningInitIds: [9, 12],
    });
    const trainer = new PromptTrainer(model, prompt, { dropout: false, promptLr: 0.05, headLr: 0.05 });
    const losses = [];
    for (let i = 0; i < 8; i++) losses.push(trainer.step(batch));
    const fp = await backboneFingerprint(model.encoder, 'plain');
    await savePrompt(join(dir, backend), prompt, { backbone: fp, task: 'toy', steps: 8 });
    const loaded = await loadPrompt(join(dir, backend), { backbone: fp });
    const student = new BertForSequenceClassification(cfg, { encoder: model.encoder });
    const sp = SoftPrompt.create(model.encoder, { numVirtualTokens: 3, seed: 1 });
    const st = new PromptTrainer(student, sp, { dropout: false });
    const kd = new PandaDistiller(st, { model, prompt });
    const kdLoss = kd.step(batch);
    const sim = activationSimilarity(model.encoder, prompt, sp, batch).similarity;
    const mix = spotInit(prompt, [
      { name: 'a', prompt: loaded.prompt },
      { name: 'b', prompt: sp },
    ]);
    out[backend] = {
      losses,
      loadedEqual: Array.from(loaded.prompt.data).every((x, i) => x === prompt.variable.dataSync()[i]),
      hash: fp.hash,
      kdLoss,
      sim,
      best: mix.weights[0].name,
    };
    st.dispose();
    trainer.dispose();
    sp.dispose();
    prompt.dispose();
    model.dispose();
    for (const v of student.head.params.values()) v.dispose();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ ...out, tensors: tf.memory().numTensors }));
