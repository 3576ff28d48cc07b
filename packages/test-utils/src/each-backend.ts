import { type BackendName, useBackend } from '@selfevo/backend';
import { beforeAll, describe } from 'vitest';
import { findChromium } from './browser.js';

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
      body(backend);
    });
  }
}

/**
 * A `describe` for tests that call `runInBrowser` (headless Chromium). It skips — printing why and
 * how to install Chromium — when Chromium is missing, unless `SELFEVO_BROWSER=1` (CI), where a
 * missing Chromium fails the tests instead.
 *
 * ```ts
 * describeInBrowser('encoder forward on webgpu', () => {
 *   it('matches the fixture', async () => { const { result } = await runInBrowser(entry, { input }); ... });
 * });
 * ```
 */
export function describeInBrowser(title: string, body: () => void): void {
  const chromium = findChromium();
  const required = typeof process !== 'undefined' && process.env.SELFEVO_BROWSER === '1';
  const skip = chromium.path == null && !required;
  if (skip) console.warn(`[selfevo] SKIPPING headless-Chromium tests "${title}": ${chromium.reason}`);
  describe.skipIf(skip)(`${title} [browser]`, body);
}
