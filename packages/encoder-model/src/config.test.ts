import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_LIMITS, configFromHf, configParameterCount, configToHf, makeConfig } from './config.js';
import { ConfigError } from './errors.js';
import { fixturesDir } from './test-paths.js';

const tinyJson = JSON.parse(readFileSync(join(fixturesDir, 'tiny-bert', 'config.json'), 'utf8'));

/** The ConfigError `f` throws (fails the test on anything else, or on no error). */
function configError(f: () => unknown): ConfigError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

// [what, HF fields overriding the tiny-bert config, the field named in the error, message pattern]
const hostile: [string, Record<string, unknown>, string | undefined, RegExp][] = [
  ['negative vocab', { vocab_size: -1 }, 'vocab_size', /got -1/],
  ['zero vocab', { vocab_size: 0 }, 'vocab_size', /got 0/],
  ['fractional vocab', { vocab_size: 30.5 }, 'vocab_size', /integer.*got 30\.5/],
  ['vocab as a string', { vocab_size: '30' }, 'vocab_size', /got "30"/],
  ['missing vocab', { vocab_size: undefined }, 'vocab_size', /required|got undefined/],
  ['absurd vocab', { vocab_size: 2 ** 40 }, 'vocab_size', /got 1099511627776/],
  ['zero hidden', { hidden_size: 0 }, 'hidden_size', /got 0/],
  ['negative hidden', { hidden_size: -32 }, 'hidden_size', /got -32/],
  ['hidden not divisible by heads', { hidden_size: 30 }, 'hidden_size', /divisible by num_attention_heads 4/],
  ['zero heads', { num_attention_heads: 0 }, 'num_attention_heads', /got 0/],
  ['more heads than hidden', { hidden_size: 4, num_attention_heads: 8 }, 'num_attention_heads', /got 8/],
  ['zero layers', { num_hidden_layers: 0 }, 'num_hidden_layers', /got 0/],
  ['negative layers', { num_hidden_layers: -2 }, 'num_hidden_layers', /got -2/],
  ['fractional layers', { num_hidden_layers: 1.5 }, 'num_hidden_layers', /got 1\.5/],
  ['absurd layer count', { num_hidden_layers: 1e9 }, 'num_hidden_layers', /got 1000000000/],
  ['zero intermediate', { intermediate_size: 0 }, 'intermediate_size', /got 0/],
  ['unknown hidden_act', { hidden_act: 'swish' }, 'hidden_act', /gelu.*got "swish"/],
  ['hidden_act not a string', { hidden_act: 42 }, 'hidden_act', /got 42/],
  ['dropout above 1', { hidden_dropout_prob: 1.5 }, 'hidden_dropout_prob', /\[0, 1\].*got 1\.5/],
  ['negative dropout', { hidden_dropout_prob: -0.1 }, 'hidden_dropout_prob', /got -0\.1/],
  ['attention dropout 2', { attention_probs_dropout_prob: 2 }, 'attention_probs_dropout_prob', /got 2/],
  ['negative classifier dropout', { classifier_dropout: -1 }, 'classifier_dropout', /got -1/],
  ['zero layer_norm_eps', { layer_norm_eps: 0 }, 'layer_norm_eps', /got 0/],
  ['negative layer_norm_eps', { layer_norm_eps: -1e-12 }, 'layer_norm_eps', /got -1e-12/],
  ['layer_norm_eps that is 0 in float32', { layer_norm_eps: 1e-50 }, 'layer_norm_eps', /float32.*got 1e-50/],
  ['infinite layer_norm_eps', { layer_norm_eps: Number.POSITIVE_INFINITY }, 'layer_norm_eps', /Infinity/],
  ['negative initializer_range', { initializer_range: -0.02 }, 'initializer_range', /got -0\.02/],
  ['zero positions', { max_position_embeddings: 0 }, 'max_position_embeddings', /got 0/],
  ['absurd positions', { max_position_embeddings: 1e12 }, 'max_position_embeddings', /got 1000000000000/],
  ['zero token types', { type_vocab_size: 0 }, 'type_vocab_size', /got 0/],
  ['negative pad id', { pad_token_id: -1 }, 'pad_token_id', /got -1/],
  ['pad id outside the vocab', { pad_token_id: 189 }, 'pad_token_id', /below vocab_size 189.*got 189/],
  ['unknown model_type', { model_type: 'gpt2' }, 'model_type', /got "gpt2"/],
  ['relative positions', { position_embedding_type: 'relative_key' }, 'position_embedding_type', /absolute/],
  ['zero labels', { num_labels: 0 }, 'num_labels', /got 0/],
  ['id2label not an object', { id2label: 'x' }, 'id2label', /got "x"/],
  [
    'RoBERTa positions that leave no room after the padding offset',
    { model_type: 'roberta', pad_token_id: 1, max_position_embeddings: 2 },
    'max_position_embeddings',
    /pad_token_id \+ 2.*got 2/,
  ],
  [
    'vocab × hidden over the parameter ceiling',
    { vocab_size: 2 ** 22, hidden_size: 1024 },
    undefined,
    /2\^31/,
  ],
  [
    'layers × width over the parameter ceiling',
    { num_hidden_layers: 1000, hidden_size: 1024, intermediate_size: 4096, num_attention_heads: 16 },
    undefined,
    /parameters.*2\^31/,
  ],
];

describe('config validation (HF config.json)', () => {
  it('accepts the fixture configs and round-trips them through configToHf', () => {
    const c = configFromHf(tinyJson);
    expect(c.hiddenSize).toBe(32);
    expect(c.numLabels).toBe(3);
    expect(configFromHf(configToHf(c))).toEqual(c);
    expect(configParameterCount(c)).toBeLessThan(CONFIG_LIMITS.maxParameters);
  });

  for (const [what, fields, field, msg] of hostile) {
    it(`refuses ${what} with a ConfigError naming the field and the value`, () => {
      const json = { ...tinyJson, ...fields };
      for (const [k, v] of Object.entries(fields)) if (v === undefined) delete json[k];
      const t0 = performance.now();
      const err = configError(() => configFromHf(json, { file: '/models/x/config.json' }));
      expect(performance.now() - t0).toBeLessThan(100);
      expect(err.file).toBe('/models/x/config.json');
      expect(err.field).toBe(field);
      expect(err.message.startsWith('/models/x/config.json: ')).toBe(true);
      if (field) expect(err.message).toContain(field);
      expect(err.message).toMatch(msg);
    });
  }

  for (const [what, json] of [
    ['null', null],
    ['an array', [1, 2]],
    ['a number', 42],
    ['a string', 'config'],
  ] as const) {
    it(`refuses a config that is ${what} (ConfigError, not TypeError)`, () => {
      const err = configError(() => configFromHf(json as unknown as Record<string, unknown>));
      expect(err.message).toMatch(/must be a JSON object/);
    });
  }

  it('keeps defaults for absent or null optional fields (HF writes nulls)', () => {
    const c = configFromHf({ vocab_size: 10, pad_token_id: null, classifier_dropout: null });
    expect([c.hiddenSize, c.numHiddenLayers, c.padTokenId, c.classifierDropout]).toEqual([768, 12, 0, null]);
    expect(configFromHf({ vocab_size: 10, hidden_dropout_prob: 1 }).hiddenDropoutProb).toBe(1); // PyTorch allows p = 1
  });
});

describe('makeConfig', () => {
  const tiny = {
    vocabSize: 30,
    hiddenSize: 8,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 16,
  };

  it('builds a config from camelCase options, extra HF fields kept in raw', () => {
    const c = makeConfig({ ...tiny, maxPositionEmbeddings: 16 });
    expect([c.hiddenSize, c.maxPositionEmbeddings, c.hiddenAct]).toEqual([8, 16, 'gelu']);
    const again = makeConfig({ ...c, numHiddenLayers: 2 });
    expect(again.numHiddenLayers).toBe(2);
    expect(again.raw.vocab_size).toBe(30);
  });

  it('refuses impossible options, naming the HF field and the option', () => {
    const err = configError(() => makeConfig({ ...tiny, hiddenSize: -8 }));
    expect(err.field).toBe('hidden_size');
    expect(err.message).toMatch(/hidden_size \(makeConfig option hiddenSize\).*got -8/);
    expect(configError(() => makeConfig({ ...tiny, layerNormEps: -1 })).field).toBe('layer_norm_eps');
    expect(configError(() => makeConfig({ ...tiny, hiddenDropoutProb: 3 })).field).toBe(
      'hidden_dropout_prob',
    );
    expect(configError(() => makeConfig({ ...tiny, numHiddenLayers: 0 })).field).toBe('num_hidden_layers');
  });

  it('refuses unknown options (a typo is not silently ignored)', () => {
    const err = configError(() => makeConfig({ ...tiny, hiddenSizes: 16 } as never));
    expect(err.field).toBe('hiddenSizes');
    expect(err.message).toMatch(/unknown makeConfig option/);
    expect(configError(() => makeConfig(null as never)).message).toMatch(/object/);
  });
});
