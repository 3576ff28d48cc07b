import { afterAll, beforeAll, describe } from 'vitest';
import { type BackendName, useBackend } from '../use-backend.js';

export type TestBackend = Exclude<BackendName, 'auto'>;

/**
 * Backends the Node test suite runs on: cpu (the reference) and wasm (the default).
 * `SELFEVO_TEST_BACKENDS=cpu` (comma-separated) narrows the list. WebGPU runs in headless
 * Chromium through `runInBrowser`, not here.
 */
export function nodeTestBackends(): TestBackend[] {
  const all: TestBackend[] = ['cpu', 'wasm'];
  const env = typeof process !== 'undefined' ? process.env.SELFEVO_TEST_BACKENDS : undefined;
  if (!env) return all;
  const wanted = env.split(',').map((s) => s.trim());
  return all.filter((b) => wanted.includes(b));
}

/**
 * Run the same test body on every available backend: one `describe` block per backend, with the
 * backend activated (via `useBackend`) before its tests run.
 *
 * ```ts
 * describeEachBackend('softmax', (backend) => { it('sums to one', () => { ... }); });
 * ```
 */
export function describeEachBackend(
  title: string,
  body: (backend: TestBackend) => void,
  options: { backends?: TestBackend[] } = {},
): void {
  const backends = options.backends ?? nodeTestBackends();
  for (const backend of backends) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });
      afterAll(() => {});
      body(backend);
    });
  }
}
