import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  type MaskedLmInputs,
  type MaskedLmModel,
  MaskingConfigError,
  newScoreStats,
  type ScoreOptions,
  type SelectionRecord,
  ShapeMismatchError,
  scoreInformativeTokens,
  seMask,
} from './index.js';
import { DEFAULT_NLL_THRESHOLD } from './informative-tokens.js';
import { T_MASK, T_SPECIAL, tinyBatch, tinyModel } from './test-fixtures/tiny-model.js';

async function collect(it: AsyncIterable<SelectionRecord>): Promise<SelectionRecord[]> {
  const out: SelectionRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** Reference scores from one unchunked eval forward, in float64 on the host. */
function referenceScores(model: ReturnType<typeof tinyModel>, batch: ReturnType<typeof tinyBatch>) {
  const n = batch.inputIds.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const shape = [batch.batchSize, batch.seqLength];
  const logits = tf.tidy(
    () =>
      model.forward(
        {
          inputIds: { data: batch.inputIds, shape },
          attentionMask: { data: batch.attentionMask, shape },
          training: false,
        },
        all,
      ).logits,
  );
  const data = logits.dataSync();
  const v = logits.shape[1];
  logits.dispose();
  const nll = new Float64Array(n);
  const ent = new Float64Array(n);
  const wrong = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = Array.from(data.subarray(i * v, (i + 1) * v));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
    nll[i] = lse - row[batch.inputIds[i]];
    ent[i] = -row.reduce((a, x) => a + Math.exp(x - lse) * (x - lse), 0);
    wrong[i] = row.indexOf(m) !== batch.inputIds[i] ? 1 : 0;
  }
  return { nll, ent, wrong };
}

describeEachBackend('scoreInformativeTokens (stage 1)', () => {
  const T = 12;
  const batchA = tinyBatch(6, T, 3);
  const batchB = tinyBatch(4, T, 4);
  const isCand = (b: typeof batchA, i: number) => b.attentionMask[i] === 1 && b.specialTokensMask[i] === 0;

  it('selects exactly the maskable tokens with nll > τ, per example, with ids and positions in the row', async () => {
    const model = tinyModel(1);
    const ref = referenceScores(model, batchA);
    const vals = Array.from(ref.nll)
      .filter((_, i) => isCand(batchA, i))
      .sort((a, b) => a - b);
    const tau = vals[Math.floor(vals.length / 2)] + 1e-3; // a threshold that splits the tokens
    const stats = newScoreStats();
    const recs = await collect(
      scoreInformativeTokens(model, [{ ...batchA, ids: ['a', 'b', 'c', 'd', 'e', 'f'] }], {
        threshold: tau,
        positionsPerChunk: 7,
        includeScores: true,
        stats,
      }),
    );
    expect(recs.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    let total = 0;
    for (let b = 0; b < 6; b++) {
      const expected: number[] = [];
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        if (isCand(batchA, i) && ref.nll[i] > tau) expected.push(t);
      }
      expect(recs[b].positions).toEqual(expected);
      for (let k = 0; k < expected.length; k++)
        expect(Math.abs(recs[b].scores![k] - ref.nll[b * T + expected[k]])).toBeLessThan(1e-4);
      total += expected.length;
    }
    expect(total).toBeGreaterThan(0);
    expect(stats.selected).toBe(total);
    expect(stats.tokensScored).toBe(vals.length);
    expect(stats.examples).toBe(6);
    // Default τ = 0.1 on an untrained model (p(gold) ≈ 1/64): every maskable token is informative.
    const dflt = await collect(scoreInformativeTokens(model, [batchA]));
    expect(dflt.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(dflt.reduce((a, r) => a + r.positions.length, 0)).toBe(vals.length);
    model.dispose();
  });

  it('supports argmax ≠ gold, entropy and budgeted top-k; chunking does not change the result', async () => {
    const model = tinyModel(2);
    const ref = referenceScores(model, batchB);
    const rows = (opts: ScoreOptions) => collect(scoreInformativeTokens(model, [batchB], opts));
    const arg = await rows({ criterion: 'argmax', positionsPerChunk: 3 });
    const ents = Array.from(ref.ent)
      .filter((_, i) => isCand(batchB, i))
      .sort((a, b) => a - b);
    const eTau = ents[Math.floor(ents.length / 3)] + 1e-4;
    const ent = await rows({ criterion: 'entropy', threshold: eTau });
    const top = await rows({ criterion: 'topk', topKRatio: 0.25 });
    const topBig = await rows({ criterion: 'topk', topKRatio: 0.25, positionsPerChunk: 1000 });
    expect(topBig).toEqual(top);
    for (let b = 0; b < 4; b++) {
      const cand: number[] = [];
      for (let t = 0; t < T; t++) if (isCand(batchB, b * T + t)) cand.push(t);
      expect(arg[b].positions).toEqual(cand.filter((t) => ref.wrong[b * T + t]));
      expect(ent[b].positions).toEqual(cand.filter((t) => ref.ent[b * T + t] > eTau));
      const k = Math.round(0.25 * cand.length);
      expect(top[b].positions.length).toBe(k);
      const byScore = [...cand].sort((x, y) => ref.nll[b * T + y] - ref.nll[b * T + x]).slice(0, k);
      expect(top[b].positions).toEqual(byScore.sort((x, y) => x - y));
    }
    model.dispose();
  });

  it('streams several batches with running ids; special tokens and padding are never selected; feeds seMask', async () => {
    const model = tinyModel(3);
    async function* batches() {
      yield batchA;
      yield batchB;
    }
    const recs = await collect(scoreInformativeTokens(model, batches(), { threshold: 0 }));
    expect(recs.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let r = 0; r < 6; r++)
      for (const t of recs[r].positions) expect(isCand(batchA, r * T + t)).toBe(true);
    const m = seMask(
      batchA,
      recs.slice(0, 6).map((r) => r.positions),
      { maskTokenId: T_MASK, vocabSize: 64, specialTokenIds: T_SPECIAL, seed: 1 },
    );
    expect(m.maskedPositions.length).toBe(recs.slice(0, 6).reduce((a, r) => a + r.positions.length, 0));
    model.dispose();
  });

  it('keeps tf.memory flat and rejects bad options', async () => {
    const model = tinyModel(4);
    await collect(scoreInformativeTokens(model, [batchA], { positionsPerChunk: 5 }));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++)
      await collect(
        scoreInformativeTokens(model, [batchA, batchB], {
          criterion: 'entropy',
          threshold: 1,
          positionsPerChunk: 5,
        }),
      );
    expect(tf.memory().numTensors).toBe(before);
    await expect(collect(scoreInformativeTokens(model, [batchA], { criterion: 'entropy' }))).rejects.toThrow(
      /threshold/,
    );
    await expect(
      collect(scoreInformativeTokens(model, [batchA], { criterion: 'best' as never })),
    ).rejects.toThrow(MaskingConfigError);
    await expect(
      collect(scoreInformativeTokens(model, [batchA], { criterion: 'topk', topKRatio: 2 })),
    ).rejects.toThrow(/topKRatio/);
    await expect(collect(scoreInformativeTokens(model, [{ ...batchA, ids: [1] }]))).rejects.toThrow(
      ShapeMismatchError,
    );
    model.dispose();
  });
});

/**
 * A test double whose MLM logits are a fixed table [B·T, V] (the "hidden state" is the table
 * itself), so every token's NLL is set by construction.
 */
class FixedLogitsModel implements MaskedLmModel {
  constructor(
    readonly table: Float32Array,
    readonly vocab: number,
  ) {}
  forward(inputs: MaskedLmInputs, maskedPositions: Int32Array) {
    const [B, T] = inputs.inputIds.shape;
    const lastHiddenState = tf.tensor3d(this.table, [B, T, this.vocab]); // [B, T, V]
    return { lastHiddenState, logits: this.mlmLogits(lastHiddenState, maskedPositions) };
  }
  mlmLogits(hidden: tf.Tensor, maskedPositions: Int32Array): tf.Tensor2D {
    return tf.tidy(() =>
      tf.gather(tf.reshape(hidden, [-1, this.vocab]), tf.tensor1d(maskedPositions, 'int32')),
    );
  }
  namedParameters(): Map<string, tf.Variable> {
    return new Map();
  }
}

describe('stage-1 thresholds on tokens of known NLL', () => {
  const V = 8;
  const T = 8;
  // One row: [CLS] six words [SEP] (ids 1, 5..7, 2); word t has NLL nlls[t].
  const batch = {
    inputIds: Int32Array.from([1, 5, 6, 7, 5, 6, 7, 2]),
    specialTokensMask: Int32Array.from([1, 0, 0, 0, 0, 0, 0, 1]),
    seqLength: T,
  };
  const nlls = [0, 0.05, 0.2, 0.3, 0.45, 0.7, 1.0, 0];
  // Gold logit a, the V − 1 others 0: NLL = log(1 + (V − 1)·e^(−a)), so a = log((V − 1) / (e^NLL − 1)).
  const table = new Float32Array(T * V);
  for (let t = 1; t < T - 1; t++) table[t * V + batch.inputIds[t]] = Math.log((V - 1) / Math.expm1(nlls[t]));
  const model = new FixedLogitsModel(table, V);
  const run = (opts: ScoreOptions) => collect(scoreInformativeTokens(model, [batch], opts));
  const positions = async (opts: ScoreOptions) => (await run(opts))[0].positions;

  it('the default τ is 0.1 (§1.1): NLL 0.05 is not informative, 0.2 … 1.0 are; τ = 0.5 would keep only 0.7 and 1.0', async () => {
    expect(DEFAULT_NLL_THRESHOLD).toBe(0.1);
    const all = await run({ threshold: -1, includeScores: true });
    expect(all[0].positions).toEqual([1, 2, 3, 4, 5, 6]);
    for (let k = 0; k < 6; k++) expect(all[0].scores![k]).toBeCloseTo(nlls[k + 1], 5);
    const dflt = await run({});
    expect(dflt[0].positions).toEqual([2, 3, 4, 5, 6]);
    expect(await run({ threshold: 0.1 })).toEqual(dflt);
    expect(await positions({ criterion: 'nll' })).toEqual([2, 3, 4, 5, 6]);
    expect(await positions({ threshold: 0.5 })).toEqual([5, 6]);
  });

  it('a token exactly on τ is not informative (nll > τ, not ≥), for nll and entropy', async () => {
    const all = await run({ threshold: -1, includeScores: true });
    const onTau = all[0].scores![2]; // position 3's NLL as scoring computes it (a float32 value)
    expect(await positions({ threshold: onTau })).toEqual([4, 5, 6]);
    expect(await positions({ threshold: onTau - 1e-6 })).toEqual([3, 4, 5, 6]);
    const ent = await run({ criterion: 'entropy', threshold: -1, includeScores: true });
    expect(ent[0].positions).toEqual([1, 2, 3, 4, 5, 6]);
    const h = ent[0].scores!;
    const onH = h[3]; // position 4's entropy
    const above = ent[0].positions.filter((_, k) => h[k] > onH);
    expect(above).not.toContain(4);
    expect(above.length).toBeGreaterThan(0);
    expect(await positions({ criterion: 'entropy', threshold: onH })).toEqual(above);
  });

  it('.selection is the rule applied, defaults filled in', () => {
    expect(scoreInformativeTokens(model, []).selection).toEqual({
      criterion: 'nll',
      rule: 'nll > threshold',
      threshold: 0.1,
    });
    expect(scoreInformativeTokens(model, [], { threshold: 0.3 }).selection.threshold).toBe(0.3);
    expect(scoreInformativeTokens(model, [], { criterion: 'entropy', threshold: 2 }).selection).toEqual({
      criterion: 'entropy',
      rule: 'entropy > threshold',
      threshold: 2,
    });
    expect(scoreInformativeTokens(model, [], { criterion: 'argmax', threshold: 2 }).selection).toEqual({
      criterion: 'argmax',
      rule: 'argmax ≠ gold',
    });
    expect(scoreInformativeTokens(model, [], { criterion: 'topk' }).selection).toMatchObject({
      criterion: 'topk',
      topKRatio: 0.15,
      topKScore: 'nll',
    });
    expect(() => scoreInformativeTokens(model, [], { criterion: 'entropy' }).selection).toThrow(
      MaskingConfigError,
    );
  });
});
