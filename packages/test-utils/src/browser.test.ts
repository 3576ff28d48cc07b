import { fileURLToPath } from 'node:url';
import { useBackend } from '@selfevo/backend';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BrowserRunError, findChromium, runInBrowser } from './browser.js';
import { expectAllClose, maxAbsDiff } from './close.js';
import { describeInBrowser } from './each-backend.js';

const X = [
  [0.1, -0.7, 1.3],
  [2.0, 0.5, -0.2],
  [-1.1, 0.9, 0.4],
];
const W = [
  [0.3, -0.1, 0.8],
  [-0.5, 0.2, 0.1],
  [1.2, 0.7, -0.9],
  [0.05, -0.6, 0.33],
  [0.4, 0.4, 0.4],
];
const entry = fileURLToPath(new URL('./test-fixtures/grad-entry.ts', import.meta.url));

async function cpuReference(): Promise<number[][]> {
  await useBackend('cpu');
  return tf.tidy(
    () =>
      tf
        .grad((x: tf.Tensor) => {
          const rows = tf.gather(x, tf.tensor1d([0, 2, 2, 1], 'int32'));
          return tf.sum(tf.square(tf.softmax(tf.matMul(rows, tf.tensor2d(W), false, true))));
        })(tf.tensor2d(X))
        .arraySync() as number[][],
  );
}

describeInBrowser('runInBrowser (headless Chromium)', () => {
  it('tf.grad through gather, transposed matMul and softmax on webgpu equals cpu within 1e-5', async () => {
    const ref = await cpuReference();
    const run = await runInBrowser<number[][]>(entry, { backend: 'webgpu', input: { x: X, w: W } });
    expect(run.backend).toBe('webgpu');
    console.log(
      `[selfevo] webgpu adapter in headless Chromium: ${run.adapter ?? 'unknown'}; max |webgpu - cpu| = ${maxAbsDiff(run.result, ref)}`,
    );
    expectAllClose(run.result, ref, 1e-5);
    expect(Math.max(...ref.flat().map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('runs the same entry on wasm in the page (the .wasm binaries are served) equal to cpu', async () => {
    const ref = await cpuReference();
    const run = await runInBrowser<number[][]>(entry, { backend: 'wasm', input: { x: X, w: W } });
    expect(run.backend).toBe('wasm');
    expectAllClose(run.result, ref, 1e-5);
  });

  it('reports a failing entry with its error and the page console', async () => {
    const bad = fileURLToPath(new URL('./test-fixtures/throwing-entry.ts', import.meta.url));
    const err = await runInBrowser(bad, { backend: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserRunError);
    expect(String((err as Error).message)).toMatch(/fixture failure 42/);
    expect(String((err as Error).message)).toMatch(/about to fail/);
  });
});

describeInBrowser('runInBrowser failures', () => {
  it('fails fast (not at the timeout) when the bundle throws while loading', async () => {
    const bad = fileURLToPath(new URL('./test-fixtures/init-throwing-entry.ts', import.meta.url));
    const t0 = Date.now();
    const err = await runInBrowser(bad, { backend: 'cpu', timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserRunError);
    expect(String((err as Error).message)).toMatch(/failed before the entry ran/);
    expect(String((err as Error).message)).toMatch(/module init failure 7/);
    expect(Date.now() - t0).toBeLessThan(50_000);
  });
});

describe('findChromium', () => {
  it('says how to install Chromium when the binary is missing', () => {
    const r = findChromium('/nonexistent/chromium');
    expect(r.path).toBeNull();
    expect(r.reason).toMatch(/apt-get install -y chromium/);
  });
});
