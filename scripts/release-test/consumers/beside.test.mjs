// @selfevo/backend installed next to vitest 3 and esbuild 0.25: resolves, and runs under vitest 3.
import { useBackend } from '@selfevo/backend';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

it('useBackend works under vitest 3', async () => {
  const choice = await useBackend('cpu');
  expect(choice.backend).toBe('cpu');
  expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
});
