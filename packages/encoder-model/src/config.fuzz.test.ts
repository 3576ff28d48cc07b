// Property/fuzz tests of the config reader: random JSON values, random and hostile HF config
// objects, and random makeConfig options each end in a valid config or a ConfigError within a
// time bound — never a hang, a crash or another error. What is accepted keeps every invariant the
// encoder relies on, round-trips through configToHf, and (when small) builds a model whose
// forward pass is finite.
// Short run in `npx vitest run`; SELFEVO_FUZZ_RUNS=<n> (and SELFEVO_FUZZ_SEED) for a long one.
import { useBackend } from '@selfevo/backend';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BertConfig,
  CONFIG_LIMITS,
  configFromHf,
  configParameterCount,
  configToHf,
  makeConfig,
} from './config.js';
import { ConfigError } from './errors.js';
import { BertModel } from './model.js';

const longRuns = Number(process.env.SELFEVO_FUZZ_RUNS) || 0;
const runs = (short: number) => (longRuns > 0 ? longRuns : short);
/** A long run may take its time (each input is still held to TIME_BOUND_MS). */
const timeout = longRuns > 0 ? 3_600_000 : undefined;
const seed = Number(process.env.SELFEVO_FUZZ_SEED) || 0xc0f1;
const TIME_BOUND_MS = 500;

/** The invariants every accepted config keeps. */
function sane(c: BertConfig): void {
  for (const k of [
    'vocabSize',
    'hiddenSize',
    'numHiddenLayers',
    'numAttentionHeads',
    'intermediateSize',
    'maxPositionEmbeddings',
    'typeVocabSize',
    'numLabels',
  ] as const)
    expect(Number.isSafeInteger(c[k]) && c[k] >= 1).toBe(true);
  expect(c.hiddenSize % c.numAttentionHeads).toBe(0);
  expect(c.numHiddenLayers).toBeLessThanOrEqual(CONFIG_LIMITS.maxLayers);
  expect(configParameterCount(c)).toBeLessThanOrEqual(CONFIG_LIMITS.maxParameters);
  for (const p of [c.hiddenDropoutProb, c.attentionProbsDropoutProb, c.classifierDropout ?? 0])
    expect(p >= 0 && p <= 1).toBe(true);
  expect(Math.fround(c.layerNormEps) > 0 && Number.isFinite(Math.fround(c.layerNormEps))).toBe(true);
  expect(c.initializerRange >= 0 && Number.isFinite(c.initializerRange)).toBe(true);
  expect(Number.isInteger(c.padTokenId) && c.padTokenId >= 0 && c.padTokenId < c.vocabSize).toBe(true);
  expect(['gelu', 'gelu_new', 'relu']).toContain(c.hiddenAct);
  expect(configFromHf(configToHf(c))).toEqual(configFromHf(configToHf(configFromHf(configToHf(c)))));
}

/** `f()` returns a config or throws a ConfigError naming what is wrong, in time. */
function endsWell(f: () => BertConfig): BertConfig | undefined {
  const t0 = performance.now();
  let out: BertConfig | undefined;
  try {
    out = f();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
  }
  expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
  if (out) sane(out);
  return out;
}

const hostile = fc.oneof(
  fc.integer({ min: -4, max: 4096 }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 1e12, 1e308, -0, 0.5, 1e-50, Number.NaN, Number.POSITIVE_INFINITY),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom(null, true, false, 'gelu', 'relu', 'gelu_new', 'swish', 'bert', 'roberta', 'absolute'),
  fc.array(fc.nat(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 3 }),
);
const HF_FIELDS = [
  'model_type',
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'hidden_act',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'max_position_embeddings',
  'type_vocab_size',
  'initializer_range',
  'layer_norm_eps',
  'pad_token_id',
  'position_embedding_type',
  'classifier_dropout',
  'num_labels',
  'id2label',
] as const;
const hfConfig = fc.record(
  Object.fromEntries(HF_FIELDS.map((k) => [k, hostile])) as Record<string, typeof hostile>,
  {
    requiredKeys: [],
  },
);

/** Small, mostly valid HF configs (a few values pushed out of range). */
const smallConfig = fc
  .record({
    model_type: fc.constantFrom('bert', 'roberta'),
    vocab_size: fc.integer({ min: 1, max: 64 }),
    heads: fc.integer({ min: 1, max: 4 }),
    head_dim: fc.integer({ min: 1, max: 4 }),
    num_hidden_layers: fc.integer({ min: 0, max: 3 }),
    intermediate_size: fc.integer({ min: 1, max: 16 }),
    hidden_act: fc.constantFrom('gelu', 'gelu_new', 'relu'),
    hidden_dropout_prob: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
    max_position_embeddings: fc.integer({ min: 1, max: 16 }),
    type_vocab_size: fc.integer({ min: 1, max: 3 }),
    layer_norm_eps: fc.oneof(fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), fc.constant(1e-12)),
    pad_token_id: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ heads, head_dim, ...r }) => ({ ...r, num_attention_heads: heads, hidden_size: heads * head_dim }));

describe('config reader under random and hostile input (fast-check)', () => {
  beforeAll(() => useBackend('cpu'));

  it(
    'random JSON values: a config or a ConfigError, in time',
    () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => {
          endsWell(() => configFromHf(json, { file: 'fuzz/config.json' }));
        }),
        { seed, numRuns: runs(300) },
      );
    },
    timeout,
  );

  it(
    'hostile HF fields: a config or a ConfigError naming the file and the field, in time',
    () => {
      fc.assert(
        fc.property(hfConfig, (json) => {
          if (endsWell(() => configFromHf(json, { file: 'fuzz/config.json' }))) return;
          try {
            configFromHf(json, { file: 'fuzz/config.json' });
          } catch (err) {
            const e = err as ConfigError;
            expect(e.file).toBe('fuzz/config.json');
            if (e.field) expect(e.message).toContain(e.field);
          }
        }),
        { seed, numRuns: runs(1000) },
      );
    },
    timeout,
  );

  it(
    'random makeConfig options (known and unknown keys): a config or a ConfigError, in time',
    () => {
      const keys = fc.constantFrom(
        'vocabSize',
        'hiddenSize',
        'numHiddenLayers',
        'numAttentionHeads',
        'intermediateSize',
        'hiddenAct',
        'layerNormEps',
        'hiddenDropoutProb',
        'padTokenId',
        'modelType',
        'raw',
        'hiddenSizes',
      );
      fc.assert(
        fc.property(fc.dictionary(keys, hostile, { maxKeys: 6 }), (options) => {
          endsWell(() => makeConfig(options as never));
        }),
        { seed, numRuns: runs(500) },
      );
    },
    timeout,
  );

  it(
    'every small config accepted builds a model whose forward pass is finite',
    () => {
      fc.assert(
        fc.property(smallConfig, fc.integer({ min: 1, max: 3 }), (json, T) => {
          const c = endsWell(() => configFromHf(json));
          if (!c) return;
          const model = new BertModel(c, { seed: 1 });
          const S = Math.min(T, c.maxPositionEmbeddings - (c.modelType === 'roberta' ? c.padTokenId + 1 : 0));
          if (S >= 1) {
            const ids = [Array.from({ length: S }, (_, i) => (i * 7) % c.vocabSize)];
            const out = model.forward({ inputIds: ids, training: true });
            expect(out.lastHiddenState.dataSync().every(Number.isFinite)).toBe(true);
            tf.dispose([out.lastHiddenState, out.pooledOutput!]);
          }
          model.dispose();
        }),
        { seed, numRuns: runs(60) },
      );
      expect(tf.memory().numTensors).toBe(0);
    },
    timeout,
  );
});
