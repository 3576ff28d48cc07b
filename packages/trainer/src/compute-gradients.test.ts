import { useBackend } from '@selfevo/backend';
import { expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeGradients } from './compute-gradients.js';
import { collate, makeExamples, mseLoss, TinyMlp } from './test-fixtures/tiny-mlp.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('computeGradients', () => {
  it('returns the loss and the gradients keyed by parameter name, matching finite differences', () => {
    const model = new TinyMlp(3);
    const batch = collate(makeExamples(8, 1));
    const noNoise = (m: TinyMlp, b: typeof batch, _t: boolean, ctx: Parameters<typeof mseLoss>[3]) =>
      mseLoss(m, b, false, ctx);
    const before = tf.memory().numTensors;
    const { loss, grads } = computeGradients(model, noNoise, batch);
    expect(Object.keys(grads).sort()).toEqual([
      'dense1.bias',
      'dense1.weight',
      'dense2.bias',
      'dense2.weight',
    ]);
    expect(tf.memory().numTensors).toBe(before + 4);
    // central difference on dense2.bias
    const b = model.params.get('dense2.bias')!;
    const b0 = b.dataSync()[0];
    const lossAt = (v: number) => {
      b.assign(tf.tensor1d([v]));
      return tf.tidy(() => noNoise(model, batch, false, { rng: null as never, step: 0 }).dataSync()[0]);
    };
    const h = 1e-2;
    const fd = (lossAt(b0 + h) - lossAt(b0 - h)) / (2 * h);
    b.assign(tf.tensor1d([b0]));
    expectAllClose(grads['dense2.bias'], [fd], 1e-3);
    expect(loss).toBeCloseTo(lossAt(b0), 6);
    tf.dispose(Object.values(grads));
    model.dispose();
  });

  it('omits frozen (non-trainable) parameters and rejects a non-scalar loss', () => {
    const model = new TinyMlp(3);
    const batch = collate(makeExamples(4, 1));
    const frozen = model.params.get('dense1.weight')!;
    frozen.trainable = false;
    const { grads } = computeGradients(model, mseLoss, batch);
    expect(Object.keys(grads).sort()).toEqual(['dense1.bias', 'dense2.bias', 'dense2.weight']);
    tf.dispose(Object.values(grads));
    // an explicit parameter map: gradients for those only
    const subset = new Map([['dense2.bias', model.params.get('dense2.bias')!]]);
    const only = computeGradients(model, mseLoss, batch, undefined, subset);
    expect(Object.keys(only.grads)).toEqual(['dense2.bias']);
    tf.dispose(Object.values(only.grads));
    expect(() =>
      computeGradients(model, (m, b) => m.forward(tf.tensor2d(b.x)) as unknown as tf.Scalar, batch),
    ).toThrow(/scalar/);
    model.dispose();
  });
});
