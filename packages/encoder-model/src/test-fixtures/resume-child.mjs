// Child process for resume.test.ts: trains a small MLM with dropout, AdamW, clipping and a
// warmup+cosine schedule on the built package (plain Node, as users run it).
//   node resume-child.mjs <backend> straight <out.safetensors>      20 steps
//   node resume-child.mjs <backend> first <ckptDir>                  10 steps, save checkpoint
//   node resume-child.mjs <backend> second <ckptDir> <out.safetensors>  load, 10 more steps
import { writeFileSync } from 'node:fs';
import { useBackend } from '@selfevo/backend';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  BertForMaskedLM,
  clipByGlobalNorm,
  learningRateAt,
  loadCheckpoint,
  makeConfig,
  sampleMaskedPositions,
  saveCheckpoint,
  valueAndGrads,
  writeSafetensors,
} from '../../dist/index.js';

const [backend, mode, a, b] = process.argv.slice(2);
await useBackend(backend);
const config = makeConfig({
  vocabSize: 60,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
});
const model = new BertForMaskedLM(config, { seed: 42 });
model.setTraining(true);
const params = model.namedParameters();
const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.01 });
const sched = { schedule: 'cosine', peakLr: 5e-3, warmupSteps: 4, totalSteps: 20 };
let step = 0;
if (mode === 'second') step = (await loadCheckpoint(a, { params, optimizer: opt, rng: model.rng })).step;

function trainStep() {
  const B = 3;
  const T = 10;
  const ids = Int32Array.from({ length: B * T }, () => 5 + model.rng.nextInt(50)); // data from the checkpointed RNG
  const pos = sampleMaskedPositions(B, T, 0.2, model.rng);
  const labels = Array.from(pos, (p) => ids[p]);
  for (const p of pos) ids[p] = 3;
  const { grads } = valueAndGrads(params, () =>
    crossEntropyAtPositions(model.forward({ inputIds: { data: ids, shape: [B, T] } }, pos).logits, labels),
  );
  const clipped = clipByGlobalNorm(grads, 0.5);
  opt.step(clipped.grads, learningRateAt(step, sched));
  tf.dispose([...Object.values(grads), ...Object.values(clipped.grads)]);
  step += 1;
}

const until = mode === 'first' ? 10 : 20;
while (step < until) trainStep();
if (mode === 'first') await saveCheckpoint(a, { params, optimizer: opt, step, rng: model.rng });
else {
  const out = {};
  for (const [k, v] of params) out[k] = { shape: v.shape, data: v.dataSync() };
  writeFileSync(mode === 'straight' ? a : b, writeSafetensors(out));
}
console.log(JSON.stringify({ mode, step, backend: tf.getBackend() }));
