import { BertModel, makeConfig } from '@selfevo/encoder-model';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { activationSimilarity, ffnActivations } from './ffn-activations.js';
import { SoftPrompt } from './soft-prompt.js';
import { tinyBatch, tinyConfig } from './test-fixtures/tiny.js';

describeEachBackend('PANDA activation similarity', () => {
  it("FFN activations are the encoder's intermediates pooled at the first input token (after the prompt) or over non-padding input tokens", () => {
    const encoder = new BertModel(tinyConfig, { seed: 5 });
    const probe = tinyBatch(3, 4, 6, 2);
    const [B, T] = [4, 6];
    const mask = (probe.attentionMask as { data: Int32Array }).data;
    const prompt = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: 1 });
    const prefix = SoftPrompt.create(encoder, {
      numVirtualTokens: 2,
      prefix: true,
      seed: 1,
      randomInitStd: 0.5,
    });
    const before = tf.memory().numTensors;
    for (const p of [undefined, prompt, prefix]) {
      const first = ffnActivations(encoder, p, probe);
      const mean = ffnActivations(encoder, p, probe, { position: 'mean' });
      expect(tf.memory().numTensors).toBe(before);
      expect(first.length).toBe(tinyConfig.numHiddenLayers);
      // the reference, pooled by hand from the encoder's own per-layer intermediates [B, S, F]
      const inner = tf.tidy(() =>
        encoder
          .forward({ ...probe, training: false, outputIntermediates: true, ...(p ? p.encoderInputs() : {}) })
          .intermediates!.map((x) => x.arraySync()),
      );
      const P = p?.mode === 'prompt' ? 2 : 0; // input-level prompt positions come first
      const F = tinyConfig.intermediateSize;
      for (let l = 0; l < inner.length; l++) {
        const wantFirst = new Array(F).fill(0);
        const wantMean = new Array(F).fill(0);
        let n = 0;
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++) {
            const row = inner[l][b][P + t];
            if (t === 0) for (let f = 0; f < F; f++) wantFirst[f] += row[f] / B;
            if (mask[b * T + t]) {
              for (let f = 0; f < F; f++) wantMean[f] += row[f];
              n += 1;
            }
          }
        expectAllClose(Array.from(first[l]), wantFirst, 1e-5);
        expectAllClose(
          Array.from(mean[l]),
          wantMean.map((x) => x / n),
          1e-5,
        );
        // the positions matter: a prompt row, or the next token, would give other values
        const at = (s: number) =>
          Array.from({ length: F }, (_, f) => inner[l].reduce((a, r) => a + r[s][f] / B, 0));
        expect(() => expectAllClose(Array.from(first[l]), at(P + 1), 1e-3)).toThrow();
        if (P > 0) expect(() => expectAllClose(Array.from(first[l]), at(0), 1e-3)).toThrow();
      }
    }
    // mean pooling ignores padded positions: other ids under the padding give the same result
    const ids = Int32Array.from((probe.inputIds as { data: Int32Array }).data);
    const repadded = Int32Array.from(ids, (x, i) => (mask[i] ? x : 7 + (i % 5)));
    const m1 = ffnActivations(encoder, prompt, probe, { position: 'mean' });
    const m2 = ffnActivations(
      encoder,
      prompt,
      { ...probe, inputIds: { data: repadded, shape: [4, 6] } },
      { position: 'mean' },
    );
    expectAllClose(
      m1.map((x) => Array.from(x)),
      m2.map((x) => Array.from(x)),
      1e-5,
    );
    // a list of batches averages over all of their examples, like one concatenated batch
    const other = tinyBatch(9, 2, 6, 3);
    const cat = (k: 'inputIds' | 'attentionMask') =>
      Int32Array.from([
        ...(probe[k] as { data: Int32Array }).data,
        ...(other[k] as { data: Int32Array }).data,
      ]);
    const joined = {
      inputIds: { data: cat('inputIds'), shape: [6, 6] },
      attentionMask: { data: cat('attentionMask'), shape: [6, 6] },
    };
    for (const position of ['first-input', 'mean'] as const)
      expectAllClose(
        ffnActivations(encoder, prefix, [probe, other], { position }).map((x) => Array.from(x)),
        ffnActivations(encoder, prefix, joined, { position }).map((x) => Array.from(x)),
        1e-5,
      );
    const first = ffnActivations(encoder, prompt, probe);
    expect(() => expectAllClose(first[1], m1[1], 1e-3)).toThrow();
    expect(() => ffnActivations(encoder, prompt, [])).toThrow(/^probe: is an empty list/);
    expect(() => ffnActivations(encoder, prompt, probe, { position: 'last' as unknown as 'mean' })).toThrow(
      /^position:/,
    );
    prompt.dispose();
    prefix.dispose();
    encoder.dispose();
  });

  it("by hand: with attention zeroed, the first input token's activation is relu(W1·LN(LN(word + pos[P] + type)) + b1), so the similarity of two prompts depends only on their lengths", () => {
    const cfg = makeConfig({
      vocabSize: 8,
      hiddenSize: 4,
      numHiddenLayers: 1,
      numAttentionHeads: 1,
      intermediateSize: 6,
      maxPositionEmbeddings: 10,
      hiddenAct: 'relu',
      initializerRange: 0.5,
    });
    const encoder = new BertModel(cfg, { seed: 3 });
    const params = encoder.namedParameters();
    // no attention: query, key, value and the attention output projection all zero
    for (const [name, v] of params)
      if (/attention\.(self|output\.dense)/.test(name)) tf.tidy(() => v.assign(tf.zerosLike(v)));
    const b1Name = 'bert.encoder.layer.0.intermediate.dense.bias';
    tf.tidy(() => params.get(b1Name)!.assign(tf.tensor1d([0.1, -0.2, 0.3, 0, 0.05, -0.1])));
    const rows = (name: string) => params.get(name)!.arraySync() as number[][];
    const word = rows('bert.embeddings.word_embeddings.weight');
    const pos = rows('bert.embeddings.position_embeddings.weight');
    const type = rows('bert.embeddings.token_type_embeddings.weight');
    const w1 = rows('bert.encoder.layer.0.intermediate.dense.weight'); // [F, H]
    const b1 = params.get(b1Name)!.arraySync() as number[];
    const ln = (x: number[]) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length;
      return x.map((y) => (y - m) / Math.sqrt(v + cfg.layerNormEps)); // weight 1, bias 0 at init
    };
    const act = (id: number, s: number) => {
      const h = ln(ln(word[id].map((w, i) => w + pos[s][i] + type[0][i])));
      return w1.map((row, f) => Math.max(0, row.reduce((a, w, i) => a + w * h[i], 0) + b1[f]));
    };
    const cos = (a: number[], b: number[]) => {
      const dot = a.reduce((s, x, i) => s + x * b[i], 0);
      return dot / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
    };
    const probe = {
      inputIds: [
        [1, 5, 6],
        [1, 7, 0],
      ],
      attentionMask: [
        [1, 1, 1],
        [1, 1, 0],
      ],
    };
    const one = SoftPrompt.create(encoder, { numVirtualTokens: 1, seed: 1 });
    const three = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 2 });
    expectAllClose(Array.from(ffnActivations(encoder, one, probe)[0]), act(1, 1), 1e-4);
    expectAllClose(Array.from(ffnActivations(encoder, three, probe)[0]), act(1, 3), 1e-4);
    expectAllClose(Array.from(ffnActivations(encoder, undefined, probe)[0]), act(1, 0), 1e-4);
    const mean = [act(1, 1), act(5, 2), act(6, 3), act(1, 1), act(7, 2)];
    expectAllClose(
      Array.from(ffnActivations(encoder, one, probe, { position: 'mean' })[0]),
      mean[0].map((_, f) => mean.reduce((s, r) => s + r[f], 0) / 5),
      1e-4,
    );
    const want = cos(act(1, 1), act(1, 3));
    expect(want).toBeLessThan(0.999); // different positions, different activations
    const got = activationSimilarity(encoder, one, three, probe);
    expect(got.similarity).toBeCloseTo(want, 4);
    expect(got.perLayer[0]).toBeCloseTo(want, 4);
    for (const x of [one, three, encoder]) x.dispose();
  });

  it('activation similarity: 1 for the same prompt, symmetric, lower for different prompts', () => {
    const encoder = new BertModel(tinyConfig, { seed: 5 });
    const probe = tinyBatch(4, 4, 6, 1);
    const a = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 1 });
    const b = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 2, randomInitStd: 3 });
    const aa = activationSimilarity(encoder, a, a, probe);
    expect(aa.similarity).toBeCloseTo(1, 6);
    expect(aa.perLayer.length).toBe(2);
    const ab = activationSimilarity(encoder, a, b, probe);
    const ba = activationSimilarity(encoder, b, a, probe);
    expect(ab.similarity).toBeCloseTo(ba.similarity, 6);
    console.log(
      `activation similarity a~b ${ab.similarity.toFixed(4)} per layer ${ab.perLayer.map((x) => x.toFixed(4))}`,
    );
    expect(ab.similarity).toBeLessThan(0.999);
    expect(ab.similarity).toBeGreaterThan(-1);
    const pa = SoftPrompt.create(encoder, { numVirtualTokens: 2, prefix: true, seed: 1 });
    const pb = SoftPrompt.create(encoder, { numVirtualTokens: 2, prefix: true, seed: 3 });
    const pp = activationSimilarity(encoder, pa, pb, probe, { position: 'mean' });
    expect(pp.similarity).toBeLessThan(0.999);
    for (const x of [a, b, pa, pb, encoder]) x.dispose();
  });
});
