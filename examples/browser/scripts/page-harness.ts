// The page built by Vite into a temporary folder, served by `vite preview` on 127.0.0.1 and opened
// in headless Chromium (playwright-core, WebGPU enabled as ../shared/docs/platform-notes.md says),
// with a fresh profile: shared by the end-to-end test and scripts/measure.ts. `close()` stops the
// browser and the server and removes the folder (build, profile, IndexedDB, downloads).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '@selfevo/test-utils';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import type { AppState } from '../src/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServedPage {
  /** The page's address (`http://127.0.0.1:<port>/`). */
  url: string;
  context: BrowserContext;
  /** The temporary folder (downloads land in `<tmp>/downloads`). */
  tmp: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The Chromium executable (`findChromium()` of @selfevo/test-utils). */
  chromium: string;
  /** The model folder the page loads (sets SELFEVO_MODEL_DIR; default: vite.config.ts's, the pretrained encoder). */
  modelDir?: string;
  viewport?: { width: number; height: number };
}

export async function servePage(opts: ServeOptions): Promise<ServedPage> {
  const tmp = mkdtempSync(join(tmpdir(), 'selfevo-browser-page-'));
  let server: PreviewServer | null = null;
  let context: BrowserContext | null = null;
  const close = async () => {
    await context?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    if (opts.modelDir) process.env.SELFEVO_MODEL_DIR = opts.modelDir;
    const configFile = join(root, 'vite.config.ts');
    const outDir = join(tmp, 'out');
    const common = { configFile, root, cacheDir: join(tmp, 'cache'), logLevel: 'warn' as const };
    await build({ ...common, build: { outDir, emptyOutDir: true } });
    server = await preview({
      ...common,
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: opts.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1000, height: 820 },
      downloadsPath: join(tmp, 'downloads'),
    });
    return { url: server.resolvedUrls!.local[0]!, context, tmp, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The page's state (`window.selfevoApp`), or null before the app started. */
export const appState = (page: Page): Promise<AppState | null> =>
  page.evaluate(() => (window as unknown as { selfevoApp?: AppState }).selfevoApp ?? null);

/** Poll the page's state from Node until `ok` (the page's own timers stall while a step runs). */
export async function until(
  page: Page,
  ok: (s: AppState) => boolean,
  timeoutMs: number,
  why: string,
): Promise<AppState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await appState(page);
    if (s && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`${why}\nstate: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
