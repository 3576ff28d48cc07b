// End to end: build the page with Vite, serve it on 127.0.0.1 (vite preview), drive it in headless
// Chromium (playwright-core) on WebGPU and on wasm: the loss goes down, a dev score and a prediction
// appear, stop holds the run and resume finishes it; checkpoints go to IndexedDB, a reloaded page
// resumes the stored run exactly, and the checkpoint downloads as a safetensors file. Skipped (with
// the reason) only when Chromium is missing and SELFEVO_BROWSER is not set. Leaves no server,
// browser or file behind. (The README's screenshot and numbers: scripts/measure.ts.)
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, readSafetensorsMetadata } from '@selfevo/encoder-model';
import { findChromium } from '@selfevo/test-utils';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appState, type ServedPage, servePage, until } from '../scripts/page-harness.js';
import type { AppState } from '../src/main.js';

const here = dirname(fileURLToPath(import.meta.url));
const found = findChromium();
const required = process.env.SELFEVO_BROWSER === '1';
if (!found.path && !required) console.warn(`examples/browser e2e skipped: ${found.reason}`);
/**
 * Steps per backend. WebGPU in headless Chromium runs on SwiftShader (the CPU), where a training step
 * costs its ~1,000 kernel dispatches (about 6-7 s a step here); wasm does 40 steps in seconds.
 */
const STEPS = { webgpu: 8, wasm: 40 } as const;

let served: ServedPage | null = null;
let url = '';

beforeAll(async () => {
  if (!found.path) return;
  // The page's default model is the project's pretrained encoder; the test drives the tiny fixture
  // (WebGPU in headless Chromium runs on SwiftShader, on the CPU: the larger model takes minutes).
  const modelDir =
    process.env.SELFEVO_MODEL_DIR ??
    resolve(process.env.SELFEVO_DATA ?? resolve(here, '../../../../shared/data'), '../fixtures/tiny-bert');
  served = await servePage({ chromium: found.path, modelDir });
  url = served.url;
}, 240_000);

afterAll(async () => {
  await served?.close();
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The page's address for a run on `backend` (checkpoints every 10 steps, the page's default). */
const pageUrl = (backend: 'webgpu' | 'wasm', autostart = true) =>
  `${url}?backend=${backend}&steps=${STEPS[backend]}&evalEvery=${STEPS[backend]}&lr=0.002` +
  (autostart ? '&autostart=1' : '');

async function open(backend: 'webgpu' | 'wasm'): Promise<{ page: Page; logs: string[] }> {
  const page = await served!.context.newPage();
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(String(e)));
  await page.goto(pageUrl(backend));
  return { page, logs };
}

/** The losses of the wasm test's run (stopped and resumed in memory: equal to an uninterrupted run). */
let wasmLosses: number[] | null = null;

async function finish(page: Page, backend: string, logs: string[]): Promise<AppState> {
  const s = await until(
    page,
    (st) => st.phase === 'done' || st.phase === 'error',
    240_000,
    `${backend}: the run did not end; console:\n${logs.join('\n')}`,
  );
  expect(s.error, backend).toBeNull();
  return s;
}

async function checkRun(page: Page, s: AppState, backend: 'webgpu' | 'wasm'): Promise<void> {
  const steps = STEPS[backend];
  expect(s.backend).toBe(backend);
  expect(s.losses).toHaveLength(steps);
  for (const l of s.losses) expect(Number.isFinite(l)).toBe(true);
  // the loss goes down: the last steps' mean is below the first steps' (batch losses are noisy; the
  // run is seeded, so it is the same every time)
  const head = mean(s.losses.slice(0, Math.max(3, steps / 8)));
  const tail = mean(s.losses.slice(-Math.max(3, steps / 4)));
  expect(tail).toBeLessThan(head);
  expect(s.score?.step).toBe(steps);
  expect(s.score!.score).toBeGreaterThan(0);
  expect(s.score!.accuracy).toBeGreaterThan(0);
  await page.fill('#premise', 'The man said that the dog had eaten the cake.');
  await page.fill('#hypothesis', 'The dog had eaten the cake.');
  await page.click('#predict');
  const p = (await until(page, (st) => st.prediction !== null, 30_000, `${backend}: no prediction`))
    .prediction!;
  expect(['entailment', 'contradiction', 'neutral']).toContain(p.label);
  expect(mean(Object.values(p.probabilities)) * 3).toBeCloseTo(1, 5);
  await expect(page.textContent('#prediction')).resolves.toContain(p.label);
  const speed = mean(s.stepsPerSecond.slice(1));
  console.log(
    `examples/browser e2e: ${backend}: ${speed.toFixed(2)} steps/s (batch 8, T <= 64), loss ` +
      `${head.toFixed(3)} (first steps) -> ${tail.toFixed(3)} (last steps), ` +
      `dev score ${(100 * s.score!.score).toFixed(1)}`,
  );
}

describe.skipIf(!found.path && !required)('examples/browser in headless Chromium', () => {
  it('fine-tunes on WebGPU: the loss goes down, a dev score and a prediction appear', async () => {
    expect(found.path, found.reason).toBeTruthy();
    const { page, logs } = await open('webgpu');
    const s = await finish(page, 'webgpu', logs);
    await checkRun(page, s, 'webgpu');
    await page.close();
  }, 300_000);

  it('fine-tunes on wasm, and stop holds the run until resume', async () => {
    const { page, logs } = await open('wasm');
    await until(
      page,
      (st) => st.phase === 'training',
      60_000,
      `wasm: no training; console:\n${logs.join('\n')}`,
    );
    // clicked at once (no wait for actionability): the wasm run is fast; it stops after the step in flight
    await page.evaluate(() => document.getElementById('stop')!.click());
    await until(page, (st) => st.phase === 'paused', 10_000, 'wasm: not paused');
    await page.waitForTimeout(500); // the step in flight ends
    const held = (await appState(page))!.losses.length;
    await page.waitForTimeout(1500);
    expect((await appState(page))!.losses.length).toBe(held);
    expect(held).toBeGreaterThanOrEqual(1);
    expect(held).toBeLessThan(STEPS.wasm);
    await page.click('#resume');
    const s = await finish(page, 'wasm', logs);
    await checkRun(page, s, 'wasm');
    wasmLosses = s.losses;
    await page.close();
  }, 300_000);

  it('checkpoints to IndexedDB: a reloaded page resumes the run exactly; the checkpoint downloads', async () => {
    expect(wasmLosses, 'needs the wasm run of the test before').not.toBeNull();
    const { page, logs } = await open('wasm'); // a fresh start replaces the stored run of these settings
    await until(page, (st) => (st.savedStep ?? 0) >= 20, 120_000, `wasm: no checkpoint at 20; ${logs}`);
    await page.evaluate(() => document.getElementById('stop')!.click());
    const before = await until(page, (st) => st.phase === 'paused', 10_000, 'wasm: not paused');
    const saved = before.savedStep!;
    expect(saved % 10).toBe(0);
    // a reload: the run in memory is gone, the checkpoint in IndexedDB stays
    await page.goto(pageUrl('wasm', false));
    const ready = await until(page, (st) => st.phase === 'ready', 60_000, `no ready page; ${logs}`);
    expect(ready.savedStep).toBe(saved);
    expect(ready.losses).toEqual([]);
    await page.click('#resume-saved');
    const s = await finish(page, 'wasm', logs);
    expect(s.resumedFrom).toBe(saved);
    console.log(
      `examples/browser e2e: paused at step ${before.step}, reloaded, resumed from checkpoint ${saved}`,
    );
    // the step counter continued (only the steps after the checkpoint ran) ...
    expect(s.step).toBe(STEPS.wasm);
    expect(s.stepsPerSecond).toHaveLength(STEPS.wasm - saved);
    // ... the curve before it is the stored log, and every loss equals the uninterrupted run's
    // (weights, optimizer moments, schedule, data order and dropout seeds came back: not from scratch)
    expect(s.losses).toHaveLength(STEPS.wasm);
    for (const [i, loss] of s.losses.entries()) expect(loss, `step ${i + 1}`).toBeCloseTo(wasmLosses![i], 5);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe(`selfevo-cb-checkpoint-${STEPS.wasm}.safetensors`);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(JSON.parse(readSafetensorsMetadata(bytes).state)).toMatchObject({ step: STEPS.wasm });
    const tensors = readSafetensors(bytes);
    expect(tensors.get('classifier.weight')?.dtype).toBe('F32');
    expect(tensors.has('optimizer.m.classifier.weight')).toBe(true);
    await page.close();
  }, 300_000);
});
