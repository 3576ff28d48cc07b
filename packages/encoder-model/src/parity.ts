// Parity check against HF reference outputs (the fixtures' expected.json). Pure: no file access,
// so the same function runs in Node and in a browser bundle (the webgpu check).
import * as tf from '@tensorflow/tfjs-core';
import { configFromHf } from './config.js';
import { BertForMaskedLM, BertForSequenceClassification } from './heads.js';
import { BertModel } from './model.js';
import { readSafetensors, type SafeTensor } from './safetensors.js';
import { loadWeights } from './weights.js';

export interface ParityInputs {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
}

/** Reference outputs as in `expected.json` (nested arrays). */
export interface ParityExpected {
  last_hidden_state: unknown;
  hidden_states?: unknown[];
  pooler_output?: unknown;
  mlm_logits?: unknown;
  classifier_logits?: unknown;
}

function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

function maxDiff(t: tf.Tensor, expected: unknown): number {
  const a = t.dataSync();
  const b = flat(expected);
  if (a.length !== b.length) throw new Error(`parity: ${a.length} values vs ${b.length} expected`);
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs(a[i] - b[i]) || (Number.isNaN(a[i]) ? Infinity : 0));
  return m;
}

/**
 * Run the encoder (and the MLM and classifier heads when the weights have them) on the current
 * tfjs backend and return the max |ours − expected| per output. Leaves no tensors behind.
 */
export function checkParity(
  configJson: Record<string, unknown>,
  weights: Map<string, SafeTensor> | Uint8Array,
  inputs: ParityInputs,
  expected: ParityExpected,
): Record<string, number> {
  const w = weights instanceof Uint8Array ? readSafetensors(weights) : weights;
  const config = configFromHf(configJson);
  const hasPooler = w.has('bert.pooler.dense.weight');
  const enc = new BertModel(config, { addPoolingLayer: hasPooler });
  const mlm = expected.mlm_logits ? new BertForMaskedLM(config, { encoder: enc }) : undefined;
  const cls = expected.classifier_logits
    ? new BertForSequenceClassification(config, { encoder: enc })
    : undefined;
  const all = new Map([
    ...enc.namedParameters(),
    ...(mlm?.namedParameters() ?? []),
    ...(cls?.namedParameters() ?? []),
  ]);
  // Every parameter must come from the file; only the tied-decoder aliases may be left over.
  loadWeights(all, w, { strict: true });
  const diffs: Record<string, number> = {};
  tf.tidy(() => {
    const out = enc.forward({
      inputIds: inputs.input_ids,
      attentionMask: inputs.attention_mask,
      tokenTypeIds: inputs.token_type_ids,
      outputHiddenStates: true,
      training: false,
    });
    diffs.last_hidden_state = maxDiff(out.lastHiddenState, expected.last_hidden_state);
    if (expected.hidden_states && out.hiddenStates)
      diffs.hidden_states = Math.max(
        ...out.hiddenStates.map((h, i) => maxDiff(h, expected.hidden_states?.[i])),
      );
    if (expected.pooler_output && out.pooledOutput)
      diffs.pooler_output = maxDiff(out.pooledOutput, expected.pooler_output);
    if (mlm) {
      const [B, T] = out.lastHiddenState.shape;
      const all = Array.from({ length: B * T }, (_, i) => i);
      diffs.mlm_logits = maxDiff(mlm.mlmLogits(out.lastHiddenState, all), expected.mlm_logits);
    }
    if (cls) {
      const logits = cls.forward({
        inputIds: inputs.input_ids,
        attentionMask: inputs.attention_mask,
        tokenTypeIds: inputs.token_type_ids,
      }).logits;
      diffs.classifier_logits = maxDiff(logits, expected.classifier_logits);
    }
  });
  for (const v of all.values()) v.dispose();
  return diffs;
}
