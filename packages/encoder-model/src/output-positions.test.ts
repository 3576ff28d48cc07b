// The last layer run only at the positions a head reads (`outputPositions`, BertForMaskedLM's
// `lastLayer: 'masked'`) gives the same logits and parameter gradients as the full forward.
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { InvalidInputError } from './errors.js';
import { BertForMaskedLM } from './heads.js';
import { valueAndGrads } from './train-utils.js';

const config = makeConfig({
  vocabSize: 97,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 24,
  maxPositionEmbeddings: 64,
});
const [B, T] = [3, 9];
const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 31 + 7) % 97);
// row 1 is padded after 5 tokens; row 2 has no asked position
const mask = Int32Array.from({ length: B * T }, (_, i) => (i >= T && i % T >= 5 ? 0 : 1));
// unsorted, across rows, one repeated, one at a padded position
const positions = Int32Array.of(4, 10, 1, 12, 8, 10, 16);

describeEachBackend("BertForMaskedLM lastLayer: 'masked'", () => {
  it('gives the same logits and gradients as the full last layer (with a prompt and deep-prompt prefixes too)', () => {
    const model = new BertForMaskedLM(config, { seed: 3 });
    const before = tf.memory().numTensors;
    for (const extras of ['none', 'prompt', 'prefix'] as const) {
      const P = extras === 'prompt' ? 2 : 0;
      const S = T + P;
      const pos = positions.map((p) => Math.floor(p / T) * S + P + (p % T));
      const w = tf.tidy(() => tf.tensor1d(Array.from({ length: pos.length * 97 }, (_, i) => Math.sin(i))));
      const run = (lastLayer: 'all' | 'masked') => {
        const extra = tf.tidy(() => ({
          prompt: P ? tf.mul(tf.randomNormal([P, 16], 0, 1, 'float32', 5), 1) : undefined,
          prefixes:
            extras === 'prefix'
              ? [0, 1].map((l) => ({
                  key: tf.randomNormal([B, 3, 16], 0, 1, 'float32', 10 + l),
                  value: tf.randomNormal([B, 3, 16], 0, 1, 'float32', 20 + l),
                }))
              : undefined,
        }));
        const logits = () =>
          model.forward(
            {
              inputIds: { data: ids, shape: [B, T] },
              attentionMask: { data: mask, shape: [B, T] },
              promptEmbeds: extra.prompt,
              pastKeyValuePrefixes: extra.prefixes as never,
              training: false,
            },
            pos,
            { lastLayer },
          ).logits;
        const value = tf.tidy(() => logits().dataSync().slice());
        const { grads } = valueAndGrads(model.namedParameters(), () =>
          tf.sum(tf.mul(tf.reshape(logits(), [-1]), w)),
        );
        const g = Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, t.dataSync().slice()]));
        tf.dispose([
          ...Object.values(grads),
          extra.prompt,
          ...(extra.prefixes ?? []).flatMap((p) => [p.key, p.value]),
        ]);
        return { value, g };
      };
      const full = run('all');
      const pruned = run('masked');
      expect(pruned.value.length).toBe(pos.length * 97);
      expectAllClose(pruned.value, full.value, 1e-5);
      for (const k of Object.keys(full.g)) expectAllClose(pruned.g[k], full.g[k], 1e-5, 1e-4);
      w.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a position out of range, a missing positions list and hidden-state outputs', () => {
    const model = new BertForMaskedLM(config, { seed: 3 });
    const inp = { inputIds: { data: ids, shape: [B, T] } };
    expect(() => model.forward(inp, [0, B * T], { lastLayer: 'masked' })).toThrow(
      /position 27 at index 1 is not an integer in \[0, 27\)/,
    );
    expect(() => model.forward(inp, undefined, { lastLayer: 'masked' })).toThrow(InvalidInputError);
    expect(() => model.forward(inp, [1], { lastLayer: 'some' as never })).toThrow(
      /expected 'all' or 'masked'/,
    );
    expect(() => model.forward({ ...inp, outputHiddenStates: true }, [1], { lastLayer: 'masked' })).toThrow(
      /cannot be combined with outputHiddenStates/,
    );
    model.dispose();
  });
});
