import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Backends `runInBrowser` can activate in the page (through `useBackend`). */
export type BrowserBackend = 'webgpu' | 'wasm' | 'cpu';

export interface RunInBrowserOptions {
  /** Backend to activate in the page before the entry runs. Default `'webgpu'`. */
  backend?: BrowserBackend;
  /** JSON-serialisable value handed to the entry's default export. */
  input?: unknown;
  /** Give up after this long (bundle + browser start + run). Default 120 s (SwiftShader is slow). */
  timeoutMs?: number;
  /** Chromium binary. Default: `$SELFEVO_CHROMIUM`, else `/usr/bin/chromium`, else `/usr/bin/chromium-browser`. */
  chromiumPath?: string;
}

export interface BrowserRunResult<T> {
  /** What the entry's default export resolved to (after a JSON round trip). */
  result: T;
  /** `tf.getBackend()` in the page after `useBackend`. */
  backend: string;
  /** The WebGPU adapter's description in the page (e.g. SwiftShader), when WebGPU is active. */
  adapter: string | null;
  /** The page's console output, in order. */
  logs: string[];
}

/** Chromium flags: WebGPU needs `--enable-unsafe-webgpu` on Linux (else the adapter is null). */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where Chromium is, or why it is not usable (tests print the reason when they skip). */
export function findChromium(
  explicit?: string,
): { path: string; reason?: undefined } | { path: null; reason: string } {
  const env = typeof process !== 'undefined' ? process.env.SELFEVO_CHROMIUM : undefined;
  const candidates = explicit ? [explicit] : env ? [env] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (existsSync(c)) return { path: c };
  return {
    path: null,
    reason:
      `Chromium not found (looked for ${candidates.join(', ')}). Install it with ` +
      '`apt-get install -y chromium` (Debian/Ubuntu) or set SELFEVO_CHROMIUM to the binary.',
  };
}

/** Raised when the page fails: bundling, the browser, `useBackend`, or the entry itself. */
export class BrowserRunError extends Error {
  constructor(
    message: string,
    readonly logs: string[] = [],
  ) {
    super(logs.length > 0 ? `${message}\n--- page console ---\n${logs.join('\n')}` : message);
    this.name = 'BrowserRunError';
  }
}

const require = createRequire(import.meta.url);

/** `@selfevo/backend`'s built entry (the page imports `useBackend` from it). */
function useBackendModule(): string {
  try {
    return require.resolve('@selfevo/backend');
  } catch (e) {
    throw new BrowserRunError(`runInBrowser: cannot resolve @selfevo/backend (is it built?): ${String(e)}`);
  }
}

async function bundle(entryFile: string, backend: BrowserBackend): Promise<string> {
  const { build } = await import('esbuild');
  const wrapper = `
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from ${JSON.stringify(useBackendModule())};
import run from ${JSON.stringify(entryFile)};
const report = (msg) => globalThis.__selfevoReport(JSON.stringify(msg));
(async () => {
  report({ started: true });
  try {
    const input = await (await fetch('/input.json')).json();
    await useBackend(${JSON.stringify(backend)});
    let adapter = null;
    if (tf.getBackend() === 'webgpu') {
      const a = await navigator.gpu.requestAdapter();
      const info = a && (a.info ?? (a.requestAdapterInfo ? await a.requestAdapterInfo() : null));
      adapter = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') : null;
    }
    const result = await run(input);
    report({ ok: true, result, backend: tf.getBackend(), adapter });
  } catch (e) {
    report({ ok: false, error: e && e.stack ? String(e.stack) : String(e) });
  }
})();
`;
  const res = await build({
    stdin: {
      contents: wrapper,
      resolveDir: dirname(entryFile),
      sourcefile: 'selfevo-browser-entry.js',
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // Node-only optional backends are never loaded in a page.
    external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  });
  return Buffer.from(res.outputFiles[0].contents).toString('utf8');
}

/** The directory holding tfjs-backend-wasm's .wasm binaries, when it is installed. */
function wasmDir(): string | null {
  try {
    const backend = useBackendModule();
    const paths = [dirname(createRequire(backend).resolve('@selfevo/backend-wasm')), dirname(backend)];
    const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json', { paths });
    return join(dirname(pkg), 'dist');
  } catch {
    return null;
  }
}

function serve(js: string, input: unknown): Promise<Server> {
  const wasm = wasmDir();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') {
      send(
        'text/html',
        '<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>',
      );
    } else if (url.pathname === '/bundle.js') {
      send('text/javascript', js);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (url.pathname === '/input.json') {
      send('application/json', JSON.stringify(input ?? null));
    } else if (
      wasm != null &&
      /^\/[\w.-]+\.wasm$/.test(url.pathname) &&
      existsSync(join(wasm, url.pathname))
    ) {
      // The wasm backend looks for its binaries next to the script (the page root).
      send('application/wasm', readFileSync(join(wasm, url.pathname)));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

/**
 * Run a module in headless Chromium with a tfjs backend active, and return what it computed.
 *
 * `entryFile` is a TS/JS module whose default export is `async (input) => JSONValue`. It is bundled
 * with esbuild (its imports resolve from its own directory), served from 127.0.0.1, and run after
 * `useBackend(opts.backend ?? 'webgpu')`. Chromium starts with `CHROMIUM_ARGS` (plus `--no-sandbox`
 * as root) in a fresh empty profile that is deleted afterwards.
 *
 * ```ts
 * const { result } = await runInBrowser<number[]>(fileURLToPath(new URL('./fixture.ts', import.meta.url)));
 * ```
 */
export async function runInBrowser<T = unknown>(
  entryFile: string,
  opts: RunInBrowserOptions = {},
): Promise<BrowserRunResult<T>> {
  const chromium = findChromium(opts.chromiumPath);
  if (chromium.path == null) throw new BrowserRunError(chromium.reason);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const backend = opts.backend ?? 'webgpu';
  const entry = resolve(entryFile);
  if (!existsSync(entry)) throw new BrowserRunError(`runInBrowser: entry file ${entry} does not exist`);
  let js: string;
  try {
    js = await bundle(entry, backend);
  } catch (err) {
    throw new BrowserRunError(`runInBrowser: bundling ${entry} failed: ${(err as Error).message}`);
  }
  const { chromium: pw } = await import('playwright-core');
  const server = await serve(js, opts.input);
  const profile = mkdtempSync(join(tmpdir(), 'selfevo-chromium-'));
  const logs: string[] = [];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let context: Awaited<ReturnType<typeof pw.launchPersistentContext>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    context = await pw.launchPersistentContext(profile, {
      executablePath: chromium.path,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(isRoot ? ['--no-sandbox'] : [])],
      timeout: timeoutMs,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    let started = false;
    let report: (msg: string) => void = () => {};
    let abort: (err: Error) => void = () => {};
    const reported = new Promise<string>((ok, fail) => {
      report = ok;
      abort = fail;
    });
    reported.catch(() => {}); // a late abort after a timeout must not become an unhandled rejection
    page.on('pageerror', (e) => {
      logs.push(`[pageerror] ${e.message}`);
      // Before the entry wrapper started, an uncaught error means the bundle itself failed to load
      // (an import threw at module init): nothing will report, so fail now instead of at the timeout.
      if (!started) abort(new BrowserRunError(`runInBrowser: the page failed before the entry ran`, logs));
    });
    // Installed before navigation, so the page can always report.
    await page.exposeFunction('__selfevoReport', (msg: string) => {
      if (msg === '{"started":true}') started = true;
      else report(msg);
    });
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(
        () => fail(new BrowserRunError(`runInBrowser: no result from the page within ${timeoutMs} ms`, logs)),
        timeoutMs,
      );
    });
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    const msg = JSON.parse(await Promise.race([reported, timeout])) as
      | { ok: true; result: T; backend: string; adapter: string | null }
      | { ok: false; error: string };
    if (!msg.ok) throw new BrowserRunError(`runInBrowser: the page failed: ${msg.error}`, logs);
    return { result: msg.result, backend: msg.backend, adapter: msg.adapter, logs };
  } finally {
    if (timer) clearTimeout(timer);
    await context?.close().catch(() => {});
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(profile, { recursive: true, force: true });
  }
}
