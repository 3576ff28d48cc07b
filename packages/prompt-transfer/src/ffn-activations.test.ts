import { describeEachBackend, expectAllClose } from '@selfevo/backend/test';
import { BertModel } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { PromptMismatchError } from './errors.js';
import { activationSimilarity, ffnActivations } from './ffn-activations.js';
import { SoftPrompt } from './soft-prompt.js';
import { tinyBatch, tinyConfig } from './test-fixtures/tiny.js';

describeEachBackend('PANDA activation similarity', () => {
  it('FFN activations: recomputed layers match BertModel (prompt, prefix, padding); a changed layer is caught', () => {
    const encoder = new BertModel(tinyConfig, { seed: 5 });
    const probe = tinyBatch(3, 4, 6, 2);
    const prompt = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: 1 });
    const prefix = SoftPrompt.create(encoder, {
      numVirtualTokens: 2,
      prefix: true,
      seed: 1,
      randomInitStd: 0.5,
    });
    const before = tf.memory().numTensors;
    for (const p of [undefined, prompt, prefix]) {
      const acts = ffnActivations(encoder, p, probe);
      expect(acts.length).toBe(tinyConfig.numHiddenLayers);
      for (const a of acts) expect(a.length).toBe(tinyConfig.intermediateSize);
    }
    expect(tf.memory().numTensors).toBe(before);
    // mean pooling ignores padded positions: other ids under the padding give the same result
    const ids = Int32Array.from((probe.inputIds as { data: Int32Array }).data);
    const mask = (probe.attentionMask as { data: Int32Array }).data;
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
    // a forward whose layer differs from the recomputation is reported
    const real = encoder.forward.bind(encoder);
    encoder.forward = (inp) => {
      const out = real(inp);
      out.hiddenStates![2] = tf.add(out.hiddenStates![2], tf.scalar(0.1)) as tf.Tensor3D;
      return out;
    };
    expect(() => ffnActivations(encoder, prompt, probe)).toThrow(PromptMismatchError);
    expect(() => ffnActivations(encoder, prompt, probe)).toThrow(/recomputed layer 1 differs/);
    encoder.forward = real;
    prompt.dispose();
    prefix.dispose();
    encoder.dispose();
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
