import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { checkParity } from './parity.js';
import { fixturesDir } from './test-paths.js';

function load(name: string) {
  const dir = join(fixturesDir, name);
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  return {
    config: json('config.json'),
    weights: new Uint8Array(readFileSync(join(dir, 'model.safetensors'))),
    inputs: json('inputs.json'),
    expected: json('expected.json'),
  };
}

describeEachBackend('HF parity', (backend) => {
  for (const name of ['tiny-bert', 'tiny-bert-mlm']) {
    it(`${name}: every output within 1e-4 of the reference`, async () => {
      const f = load(name);
      const before = tf.memory().numTensors;
      const diffs = await checkParity(f.config, f.weights, f.inputs, f.expected);
      console.log(`parity ${name} [${backend}]`, JSON.stringify(diffs));
      const keys = ['last_hidden_state', 'hidden_states', 'mlm_logits'];
      if (name === 'tiny-bert') keys.push('pooler_output', 'classifier_logits');
      for (const k of keys) {
        expect(diffs[k], k).toBeDefined();
        expect(diffs[k], k).toBeLessThanOrEqual(1e-4);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
