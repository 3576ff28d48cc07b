// Fine-tune CB on the page in headless Chromium with the REAL default model (the project's
// pretrained @selfevo/encoder-mini-gutenberg) and measure it: steps/s per backend, the loss, the dev
// score; optionally rewrite the README's screenshot (the wasm run, with a prediction typed in).
//
//   npm run build                                  # the libraries (repository root)
//   cd examples/browser && npx tsx scripts/measure.ts [--backends wasm,webgpu] [--screenshot]
//        [--steps 60] [--webgpu-steps 6] [--batch 8] [--model DIR]
//
// steps/s is the page's own per-step timing (evals, checkpoint saves and pauses excluded) over the
// steps after the first (which compiles the kernels); "wall" is the whole run, evals and saves
// included. WebGPU in headless Chromium runs on SwiftShader (the CPU), hence its few steps.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findChromium } from '@selfevo/test-utils';
import type { AppState } from '../src/main.js';
import { servePage, until } from './page-harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgpu' },
    steps: { type: 'string', default: '60' },
    'webgpu-steps': { type: 'string', default: '6' },
    batch: { type: 'string', default: '8' },
    model: { type: 'string' },
    screenshot: { type: 'boolean', default: false },
  },
});
const backends = args.backends.split(',') as ('wasm' | 'webgpu')[];
for (const b of backends)
  if (b !== 'wasm' && b !== 'webgpu') throw new Error(`--backends: wasm or webgpu, got ${b}`);
const count = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2) throw new Error(`--${name}: an integer >= 2, got ${v}`);
  return n;
};
const steps = { wasm: count('steps', args.steps), webgpu: count('webgpu-steps', args['webgpu-steps']) };
const batch = count('batch', args.batch);

const found = findChromium();
if (!found.path) throw new Error(`no Chromium: ${found.reason}`);
const chromiumVersion = execFileSync(found.path, ['--version'], { encoding: 'utf8' }).trim();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Measured {
  backend: string;
  detail: string;
  model: string;
  steps: number;
  stepsPerSecond: number;
  wallStepsPerSecond: number;
  lossFirst: number;
  lossLast: number;
  scoreBefore: number;
  scoreAfter: number;
}

const served = await servePage({
  chromium: found.path,
  modelDir: args.model,
  viewport: { width: 1000, height: 820 },
});
const results: Measured[] = [];
try {
  for (const backend of backends) {
    const n = steps[backend];
    const page = await served.context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    const evalEvery = backend === 'wasm' ? Math.max(1, Math.round(n / 3)) : n;
    await page.goto(`${served.url}?backend=${backend}&steps=${n}&batchSize=${batch}&evalEvery=${evalEvery}`);
    const ready = await until(
      page,
      (s) => s.phase === 'ready' || s.phase === 'error',
      300_000,
      `${backend}: no ready page`,
    );
    if (ready.error) throw new Error(`${backend}: ${ready.error}\n${logs.join('\n')}`);
    const t0 = Date.now();
    await page.click('#start');
    const s: AppState = await until(
      page,
      (st) => st.phase === 'done' || st.phase === 'error',
      60 * 60_000,
      `${backend}: the run did not end; console:\n${logs.join('\n')}`,
    );
    const wallMs = Date.now() - t0;
    if (s.error) throw new Error(`${backend}: ${s.error}`);
    const seconds = s.stepsPerSecond.slice(1).reduce((a, r) => a + 1 / r, 0);
    const k = Math.min(5, Math.floor(n / 2));
    const m: Measured = {
      backend,
      detail: s.backendReason ?? '',
      model: (await page.textContent('#model')) ?? '',
      steps: n,
      stepsPerSecond: (n - 1) / seconds,
      wallStepsPerSecond: n / (wallMs / 1000),
      lossFirst: mean(s.losses.slice(0, k)),
      lossLast: mean(s.losses.slice(-k)),
      scoreBefore: ready.score?.score ?? Number.NaN,
      scoreAfter: s.score?.score ?? Number.NaN,
    };
    results.push(m);
    console.log(JSON.stringify(m));
    if (args.screenshot && backend === 'wasm') {
      await page.fill('#premise', 'It was a cold night. She said that he had left the city.');
      await page.fill('#hypothesis', 'He had left the city.');
      await page.click('#predict');
      await until(page, (st) => st.prediction !== null, 60_000, 'no prediction');
      await page.screenshot({ path: join(root, 'screenshot.png'), fullPage: true });
      console.log(`wrote ${join(root, 'screenshot.png')}`);
    }
    await page.close();
  }
} finally {
  await served.close();
}

console.log(`\n${chromiumVersion}, batch ${batch}, <= 64 tokens a pair\n`);
console.log(
  '| backend | steps | steps/s | wall steps/s | loss, first 5 → last 5 steps | dev score before → after |',
);
console.log('| --- | ---: | ---: | ---: | --- | --- |');
for (const m of results)
  console.log(
    `| ${m.backend} (${m.detail}) | ${m.steps} | ${m.stepsPerSecond.toFixed(2)} | ${m.wallStepsPerSecond.toFixed(2)} | ` +
      `${m.lossFirst.toFixed(3)} → ${m.lossLast.toFixed(3)} | ${(100 * m.scoreBefore).toFixed(1)} → ${(100 * m.scoreAfter).toFixed(1)} |`,
  );
console.log(results[0]?.model ?? '');
