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

async function activate(name: Exclude<BackendName, 'auto'>): Promise<void> {
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
    return { backend: requested, requested, reason: `requested explicitly` };
  }
  const first: Exclude<BackendName, 'auto'> = isNode ? 'node-gpu' : 'webgpu';
  try {
    await activate(first);
    return { backend: first, requested, reason: `${first} is available` };
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    await activate('wasm');
    return { backend: 'wasm', requested, reason: `${first} unavailable (${why}); using wasm` };
  }
}
