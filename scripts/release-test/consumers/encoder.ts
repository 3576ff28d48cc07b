import { type BackendChoice, useBackend } from '@selfevo/backend';
import { AdamW, type BertConfig, BertForMaskedLM, makeConfig, valueAndGrads } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';

// Types only (the step itself runs from encoder.mjs / encoder.cjs): signatures resolve and check.
export async function lossAfterOneStep(): Promise<number> {
  const choice: BackendChoice = await useBackend('wasm');
  const config: BertConfig = makeConfig({
    vocabSize: 12,
    hiddenSize: 8,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
  });
  const model = new BertForMaskedLM(config, { seed: 1 });
  const opt = new AdamW(model.namedParameters(), { lr: 0.05 });
  const out = valueAndGrads(model.namedParameters(), () =>
    tf.mean(model.forward({ inputIds: [[2, 5, 3]] }).logits),
  );
  opt.step(out.grads);
  return choice.reason.length + out.loss;
}
