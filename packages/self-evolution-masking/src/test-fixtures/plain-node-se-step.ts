// Run by plain Node (through tsx, no vitest), the way a training script loads the package: a few
// SE and MLM steps on a tiny BertForMaskedLM under cpu and wasm. Prints one JSON line.
import { useBackend } from '@selfevo/backend';
import { AdamW, SeededRandom } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { mlmTrainingStep, scoreInformativeTokens, seMask, seTrainingStep } from '../index.js';
import { T_MASK, T_SPECIAL, tinyBatch, tinyModel } from './tiny-model.js';

const out: Record<string, number[] | number> = {};
for (const backend of ['cpu', 'wasm'] as const) {
  await useBackend(backend);
  const model = tinyModel(1, 0);
  const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
  const batch = tinyBatch(4, 12, 5);
  const sel: number[][] = [];
  for await (const r of scoreInformativeTokens(model, [batch], { criterion: 'topk', topKRatio: 0.3 }))
    sel.push(r.positions);
  const masked = seMask(batch, sel, {
    maskTokenId: T_MASK,
    vocabSize: 64,
    specialTokenIds: T_SPECIAL,
    rng: new SeededRandom(1),
  });
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) losses.push(seTrainingStep(model, opt, masked).loss);
  for (let i = 0; i < 2; i++) losses.push(mlmTrainingStep(model, opt, masked).loss);
  out[backend] = losses;
  out[`${backend}.tensors`] = tf.memory().numTensors;
  opt.dispose();
  model.dispose();
}
console.log(JSON.stringify(out));
