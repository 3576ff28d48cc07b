import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { selfevoFiles } from './serve-files.js';

const here = dirname(fileURLToPath(import.meta.url));
/** SuperGLUE and the fixtures live beside the repository (`SELFEVO_DATA`, default ../shared/data). */
const dataDir = resolve(process.env.SELFEVO_DATA ?? resolve(here, '../../../shared/data'));
/**
 * The pretrained encoder the page loads (HF layout); default: the project's pretrained
 * @selfevo/encoder-mini-gutenberg (its model/ folder). The end-to-end test sets the shared tiny
 * BERT fixture instead: WebGPU in headless Chromium is emulated on the CPU (SwiftShader).
 */
const modelDir = resolve(
  process.env.SELFEVO_MODEL_DIR ?? resolve(here, '../../packages/encoder-mini-gutenberg/model'),
);

export default defineConfig({
  root: here,
  // no SPA fallback: a missing /model/tokenizer.json must be a 404, not index.html
  appType: 'mpa',
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  plugins: [selfevoFiles({ model: modelDir, data: resolve(dataDir, 'superglue') })],
});
