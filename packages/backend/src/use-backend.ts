import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from './errors.js';
import { registerGradients } from './gradients.js';

export type BackendName = 'auto' | 'cpu' | 'wasm' | 'node-gpu' | 'webgpu';

/** What `useBackend` chose, and why. */
export interface BackendChoice {
  /** The backend now active in tfjs (`tf.getBackend()`). */
  backend: Exclude<BackendName, 'auto'>;
  /** What the caller asked for. */
  requested: BackendName;
  /** One line: why this backend (and, for `auto`, why not the others). */
  reason: string;
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null;

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
const PROCESS_EVENTS: readonly ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];

/**
 * Runs `init` and then removes the `uncaughtException` / `unhandledRejection` listeners it added
 * to `process`. The wasm backend's emscripten runtime installs handlers that rethrow, which makes
 * Node exit with code 7 ("internal exception handler run-time failure") on any later uncaught error
 * of the application; without them Node reports the error and exits 1, and the application's own
 * handlers (added before or after) work as written.
 */
async function withoutNewProcessHandlers<T>(init: () => Promise<T>): Promise<T> {
  if (!isNode) return init();
  // one event name for the typings (the two events' listener types differ only in their arguments)
  const listeners = (e: ProcessEvent) => process.listeners(e as 'uncaughtException');
  const before = new Map(PROCESS_EVENTS.map((e) => [e, new Set(listeners(e))] as const));
  try {
    return await init();
  } finally {
    for (const e of PROCESS_EVENTS)
      for (const l of listeners(e))
        if (!before.get(e)!.has(l)) process.removeListener(e as 'uncaughtException', l);
  }
}

async function activate(name: Exclude<BackendName, 'auto'>): Promise<void> {
  await withoutNewProcessHandlers(() => initialise(name));
  if (name === 'cpu' && isNode) await quietTfjsNodeAdvice();
}

async function initialise(name: Exclude<BackendName, 'auto'>): Promise<void> {
  switch (name) {
    case 'cpu': {
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    }
    case 'wasm': {
      const { registerWasmBackend } = await import('@selfevo/backend-wasm');
      await registerWasmBackend();
      break;
    }
    case 'node-gpu': {
      const { registerNodeGpuBackend } = await import('@selfevo/backend-node-gpu');
      await registerNodeGpuBackend();
      break;
    }
    case 'webgpu': {
      const { registerWebGpuBackend } = await import('@selfevo/backend-webgpu');
      await registerWebGpuBackend();
      break;
    }
  }
  const tfName = name === 'node-gpu' ? 'tensorflow' : name;
  const ok = await tf.setBackend(tfName);
  if (!ok)
    throw new BackendUnavailableError(
      name,
      `tf.setBackend('${tfName}') failed: the backend did not initialise`,
    );
  await tf.ready();
}

/**
 * In Node, tfjs-backend-cpu prints "install our node backend to speed things up" (tfjs-node) on
 * its first tensor. Where selfevo's native path is built (the wasm backend's native GEMM), that
 * advice is wrong — cpu is then the reference next to it, not the fast path — so the cpu backend's
 * first write runs with tfjs's documented `PROD` flag on (`tf.enableProdMode()`; it only gates
 * tfjs's own log warnings), and the flag is restored right after. Without the native GEMM the
 * banner stays.
 */
async function quietTfjsNodeAdvice(): Promise<void> {
  const { registerWasmBackend, wasmGemmInfo } = await import('@selfevo/backend-wasm');
  await registerWasmBackend();
  if (!wasmGemmInfo().native) return;
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    tf.dispose(tf.scalar(0));
  } finally {
    env.set('PROD', prod);
  }
}

/**
 * Select the tfjs backend every selfevo package will run on, registering gradients on the way.
 *
 * - `'auto'`: in Node, `node-gpu` if `@tensorflow/tfjs-node-gpu` loads, else `wasm`;
 *   in a browser, `webgpu` if an adapter is available, else `wasm`.
 * - `'cpu'` is the pure-JS reference backend (slow, exact).
 */
export async function useBackend(requested: BackendName = 'auto'): Promise<BackendChoice> {
  registerGradients();
  if (requested !== 'auto') {
    await activate(requested);
    return { backend: requested, requested, reason: `requested explicitly${await gemmNote(requested)}` };
  }
  const first: Exclude<BackendName, 'auto'> = isNode ? 'node-gpu' : 'webgpu';
  try {
    await activate(first);
    return { backend: first, requested, reason: `${first} is available` };
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    await activate('wasm');
    return {
      backend: 'wasm',
      requested,
      reason: `${first} unavailable (${why}); using wasm${await gemmNote('wasm')}`,
    };
  }
}

/**
 * In Node, which GEMM the wasm backend's matMuls run on — and, when the native GEMM did not load
 * (not built, no AVX2, turned off), why: training is several times slower on XNNPACK.
 */
async function gemmNote(backend: Exclude<BackendName, 'auto'>): Promise<string> {
  if (backend !== 'wasm' || !isNode) return '';
  const { wasmGemmInfo } = await import('@selfevo/backend-wasm');
  const info = wasmGemmInfo();
  return info.native
    ? `; matMuls on the native GEMM (${info.isa}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`
    : `; matMuls on XNNPACK, not the native GEMM: ${info.reason}`;
}
