import { useBackend } from '@selfevo/backend';
import { SelfevoError, ShapeMismatchError as SharedShapeMismatchError } from '@selfevo/utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BertModel,
  CheckpointError,
  ConfigError,
  EncoderModelError,
  HubDownloadError,
  MissingParametersError,
  makeConfig,
  SafetensorsFormatError,
  ShapeMismatchError,
} from './index.js';

describe('errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('every error of this package is an EncoderModelError, a SelfevoError, named after its class', () => {
    const errors = [
      new ConfigError('must be >= 1', { field: 'hidden_size', value: 0 }),
      new SafetensorsFormatError('header is not a JSON object'),
      new MissingParametersError({ missing: ['a'], unexpected: [], mismatched: [] }),
      new HubDownloadError('GET x → HTTP 500'),
      new CheckpointError('no checkpoint'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(EncoderModelError);
      expect(e).toBeInstanceOf(SelfevoError);
      expect(e.name).toBe(e.constructor.name);
    }
  });

  it('ConfigError names the file, the field and the value', () => {
    const e = new ConfigError('must be an integer >= 1', {
      file: '/m/config.json',
      field: 'hidden_size',
      value: -3,
    });
    expect(e.message).toBe('/m/config.json: hidden_size must be an integer >= 1, got -3');
    expect([e.file, e.field, e.value]).toEqual(['/m/config.json', 'hidden_size', -3]);
    expect(new ConfigError('bad', { field: 'x', value: Number.NaN }).message).toBe('x bad, got NaN');
    expect(new ConfigError('plain message').message).toBe('plain message');
  });

  it('ShapeMismatchError is the one shared class of @selfevo/utils, with the input named', () => {
    expect(ShapeMismatchError).toBe(SharedShapeMismatchError);
    const model = new BertModel(
      makeConfig({
        vocabSize: 10,
        hiddenSize: 4,
        numHiddenLayers: 1,
        numAttentionHeads: 1,
        intermediateSize: 4,
      }),
    );
    let err: unknown;
    try {
      model.forward({ inputIds: [[1, 2, 3]], attentionMask: [[1, 1]] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SharedShapeMismatchError);
    expect((err as SharedShapeMismatchError).parameter).toBe('attentionMask');
    model.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });
});
