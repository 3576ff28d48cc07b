// Runs under plain `node` (no vitest, no tsx) against the built package: the published ESM must
// import, register gradients (through @selfevo/backend) and train a prompt through @selfevo/trainer's
// train() on cpu and wasm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { BertForSequenceClassification, makeConfig } from '@selfevo/encoder-model';
import {
  activationSimilarity,
  backboneFingerprint,
  createPromptTuning,
  loadPrompt,
  pandaDistillation,
  SoftPrompt,
  savePrompt,
  spotInit,
} from '@selfevo/prompt-transfer';
import { train } from '@selfevo/trainer';
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
const trainData = {
  batchesPerEpoch: 1,
  *epochBatches() {
    yield batch;
  },
};
/** `steps` AdamW steps (no decay, no clipping) through train(); the loss of every step. */
async function run(tuning, steps, lr) {
  const losses = [];
  await train({
    ...tuning,
    trainData,
    optimizer: { lr, weightDecay: 0 },
    maxSteps: steps,
    maxGradNorm: 0,
    progress: 'none',
    callbacks: [{ onStepEnd: ({ loss }) => void losses.push(loss) }],
  });
  return losses;
}
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
    const losses = await run(createPromptTuning({ model, prompt, dropout: false }), 8, 0.05);
    const fp = await backboneFingerprint(model.encoder, 'plain');
    await savePrompt(join(dir, backend), prompt, { backbone: fp, task: 'toy', steps: 8 });
    const loaded = await loadPrompt(join(dir, backend), { backbone: fp });
    const student = new BertForSequenceClassification(cfg, { encoder: model.encoder });
    const sp = SoftPrompt.create(model.encoder, { numVirtualTokens: 3, seed: 1 });
    const st = createPromptTuning({ model: student, prompt: sp, dropout: false });
    const [kdLoss] = await run(pandaDistillation(st, { model, prompt }), 1, 0.01);
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
    sp.dispose();
    prompt.dispose();
    model.dispose();
    for (const v of student.head.params.values()) v.dispose();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ ...out, tensors: tf.memory().numTensors }));
