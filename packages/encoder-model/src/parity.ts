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

function maxDiff(a: ArrayLike<number>, expected: unknown): number {
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
export async function checkParity(
  configJson: Record<string, unknown>,
  weights: Map<string, SafeTensor> | Uint8Array,
  inputs: ParityInputs,
  expected: ParityExpected,
): Promise<Record<string, number>> {
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
  // Outputs are computed in a tidy and read back asynchronously: synchronous reads (dataSync)
  // of WebGPU tensors returned wrong values in headless Chromium (SwiftShader).
  const outputs = tf.tidy(() => {
    const out = enc.forward({
      inputIds: inputs.input_ids,
      attentionMask: inputs.attention_mask,
      tokenTypeIds: inputs.token_type_ids,
      outputHiddenStates: true,
      training: false,
    });
    const o: Record<string, tf.Tensor | tf.Tensor[]> = { last_hidden_state: out.lastHiddenState };
    if (expected.hidden_states && out.hiddenStates) o.hidden_states = out.hiddenStates;
    if (expected.pooler_output && out.pooledOutput) o.pooler_output = out.pooledOutput;
    if (mlm) {
      const [B, T] = out.lastHiddenState.shape;
      const all = Array.from({ length: B * T }, (_, i) => i);
      o.mlm_logits = mlm.mlmLogits(out.lastHiddenState, all);
    }
    if (cls) {
      o.classifier_logits = cls.forward({
        inputIds: inputs.input_ids,
        attentionMask: inputs.attention_mask,
        tokenTypeIds: inputs.token_type_ids,
      }).logits;
    }
    return o;
  });
  const diffs: Record<string, number> = {};
  for (const [name, value] of Object.entries(outputs)) {
    const ref = expected[name as keyof ParityExpected];
    if (Array.isArray(value)) {
      let m = 0;
      for (let i = 0; i < value.length; i++)
        m = Math.max(m, maxDiff(await value[i].data(), (ref as unknown[])[i]));
      diffs[name] = m;
    } else diffs[name] = maxDiff(await value.data(), ref);
  }
  tf.dispose(Object.values(outputs).flat());
  for (const v of all.values()) v.dispose();
  return diffs;
}
