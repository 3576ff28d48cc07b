// SE stage 1's rule and default τ, pinned on a model that knows English (the project's pretrained
// @selfevo/encoder-mini-gutenberg): its token NLLs spread across τ = 0.1, so changing τ (to 0.05,
// 0.2, …) or the rule (≥, <, p instead of −log p) changes the selection and fails this test. On an
// untrained model every NLL is ≈ log V ≫ τ, so any τ below ~4 would pass.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '@selfevo/backend';
import { loadMiniGutenbergFromDisk } from '@selfevo/encoder-mini-gutenberg/node';
import { BertForMaskedLM } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NLL_THRESHOLD, scoreInformativeTokens } from './informative-tokens.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.SELFEVO_DATA ?? resolve(here, '../../../../shared/data');
const T = 128;
const ROWS = 8;

let model: BertForMaskedLM;
let inputIds: Int32Array;
let special: number[];
beforeAll(async () => {
  await useBackend('auto');
  const loaded = await loadMiniGutenbergFromDisk(BertForMaskedLM);
  model = loaded.model;
  model.setTraining(false);
  const tok = loaded.tokenizer;
  const lines = (await readFile(join(dataDir, 'corpus', 'gutenberg.valid.txt'), 'utf8'))
    .split('\n')
    .slice(-2000);
  const content: number[] = [];
  for (const l of lines) if (l.trim()) content.push(...tok.encode(l).ids.slice(1, -1));
  const cls = tok.tokenToId('[CLS]') as number;
  const sep = tok.tokenToId('[SEP]') as number;
  special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => tok.tokenToId(t) as number);
  inputIds = new Int32Array(ROWS * T);
  for (let r = 0; r < ROWS; r++)
    inputIds.set([cls, ...content.slice(r * (T - 2), (r + 1) * (T - 2)), sep], r * T);
});

/** −log p(gold) at every position, computed here independently of the library (eval, unmasked input). */
async function tokenNll(): Promise<Float32Array> {
  const nll = tf.tidy(() => {
    const { logits } = model.forward({
      inputIds: tf.tensor2d(inputIds, [ROWS, T], 'int32'),
      training: false,
    });
    const logp = tf.logSoftmax(logits, -1); // [B·T, V]
    const gold = tf.oneHot(tf.tensor1d(inputIds, 'int32'), logp.shape[1]);
    return tf.neg(tf.sum(tf.mul(logp, gold), -1)); // [B·T]
  });
  const out = (await nll.data()) as Float32Array;
  nll.dispose();
  return out;
}

async function selected(options: Parameters<typeof scoreInformativeTokens>[2]): Promise<Set<number>> {
  const out = new Set<number>();
  const records = scoreInformativeTokens(model, [{ inputIds, seqLength: T }], {
    ...options,
    specialTokenIds: special,
  });
  for await (const r of records) for (const p of r.positions) out.add(Number(r.id) * T + p);
  return out;
}

describe('SE stage 1 on a pretrained model', () => {
  it('default: informative ⇔ −log p(gold) > τ = 0.1, and τ matters on this model', async () => {
    expect(DEFAULT_NLL_THRESHOLD).toBe(0.1);
    const nll = await tokenNll();
    const maskable = [...inputIds.keys()].filter((i) => !special.includes(inputIds[i]));
    const rule = (tau: number) => new Set(maskable.filter((i) => nll[i] > tau));
    const got = await selected({});
    // The model is confident on a real share of the tokens and unsure on the rest.
    const share = got.size / maskable.length;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.95);
    // Exactly the rule at τ = 0.1 (positions within 1e-4 of τ may round either way in float32).
    const near = (i: number) => Math.abs(nll[i] - 0.1) < 1e-4;
    const want = rule(0.1);
    for (const i of maskable)
      if (!near(i)) expect(got.has(i), `position ${i}, nll ${nll[i]}`).toBe(want.has(i));
    // The data separate nearby thresholds: a default of 0.05, 0.08, 0.12 or 0.2 would select otherwise.
    for (const tau of [0.05, 0.08, 0.12, 0.2]) expect(rule(tau).size, `τ = ${tau}`).not.toBe(want.size);
    // The header of the selection records the τ applied.
    expect(scoreInformativeTokens(model, [], {}).selection).toMatchObject({
      criterion: 'nll',
      threshold: 0.1,
    });
  });
});
