import { useBackend } from '@selfevo/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { ConfigError } from './errors.js';
import { BertForMaskedLM, BertForSequenceClassification, BertForSpanClassification } from './heads.js';
import { BertModel } from './model.js';

const cfg = makeConfig({
  vocabSize: 20,
  hiddenSize: 8,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 16,
});

/** The ConfigError `f` throws within 200 ms (an allocation of the absurd size first would not be). */
function configError(f: () => unknown): ConfigError {
  const t0 = performance.now();
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(performance.now() - t0).toBeLessThan(200);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('head options', () => {
  beforeAll(() => useBackend('cpu'));

  const bad: [string, () => unknown, string, RegExp][] = [
    ['numLabels 0', () => new BertForSequenceClassification(cfg, { numLabels: 0 }), 'numLabels', /got 0/],
    [
      'numLabels 2^28 (a 2^31-float classifier)',
      () => new BertForSequenceClassification(cfg, { numLabels: 2 ** 28 }),
      'numLabels',
      /got 268435456/,
    ],
    [
      'numLabels 1.5',
      () => new BertForSequenceClassification(cfg, { numLabels: 1.5 }),
      'numLabels',
      /got 1\.5/,
    ],
    ['numSpans -1', () => new BertForSpanClassification(cfg, { numSpans: -1 }), 'numSpans', /got -1/],
    [
      'numSpans 1e9',
      () => new BertForSpanClassification(cfg, { numSpans: 1e9 }),
      'numSpans',
      /got 1000000000/,
    ],
    [
      'useCls "yes"',
      () => new BertForSpanClassification(cfg, { useCls: 'yes' as never }),
      'useCls',
      /got "yes"/,
    ],
    ['seed NaN', () => new BertForMaskedLM(cfg, { seed: Number.NaN }), 'seed', /got NaN/],
    [
      'encoder not a BertModel',
      () => new BertForMaskedLM(cfg, { encoder: {} as never }),
      'encoder',
      /BertModel/,
    ],
  ];
  for (const [what, make, field, msg] of bad)
    it(`refuses ${what} with a ConfigError naming the option`, () => {
      const before = tf.memory().numTensors;
      const e = configError(make);
      expect(e.field).toBe(field);
      expect(e.message).toMatch(msg);
      expect(tf.memory().numTensors).toBe(before);
    });

  it('refuses a shared encoder built for another config (its shapes would not fit the head)', () => {
    const wide = new BertModel(makeConfig({ ...cfg, hiddenSize: 16 }), { seed: 1 });
    const e = configError(() => new BertForMaskedLM(cfg, { encoder: wide }));
    expect(e.field).toBe('encoder');
    expect(e.message).toMatch(/hidden_size 16.*hidden_size 8/);
    wide.dispose();
  });
});
