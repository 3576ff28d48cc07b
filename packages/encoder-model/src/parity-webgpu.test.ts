import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeInBrowser, runInBrowser } from '@selfevo/test-utils';
import { expect, it } from 'vitest';
import { fixturesDir } from './test-paths.js';

const entry = fileURLToPath(new URL('./test-fixtures/parity-entry.ts', import.meta.url));

describeInBrowser('HF fixture parity on webgpu (headless Chromium)', () => {
  for (const name of ['tiny-bert', 'tiny-bert-mlm']) {
    it(`${name}: every output within 1e-4 of the reference`, async () => {
      const dir = join(fixturesDir, name);
      const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const run = await runInBrowser<Record<string, number>>(entry, {
        backend: 'webgpu',
        timeoutMs: 180_000,
        input: {
          config: read('config.json'),
          weightsBase64: readFileSync(join(dir, 'model.safetensors')).toString('base64'),
          inputs: read('inputs.json'),
          expected: read('expected.json'),
        },
      });
      expect(run.backend).toBe('webgpu');
      console.log(
        `[selfevo] ${name} on webgpu (${run.adapter ?? 'unknown adapter'}): ${JSON.stringify(run.result)}`,
      );
      const keys = Object.keys(run.result);
      expect(keys).toContain('last_hidden_state');
      expect(keys).toContain('mlm_logits');
      for (const k of keys) expect(run.result[k], k).toBeLessThanOrEqual(1e-4);
    });
  }
});
