import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

const setUp = new WeakMap<KernelConfig, WeakSet<object>>();

/**
 * Run one of the backend's own kernels that our override displaced. Its `setupFunc` (which binds
 * the C++ function) runs only for kernels registered when the backend initialises, so it may never
 * have run for the original: run it once per backend instance here.
 */
function runOriginal(config: KernelConfig | undefined, name: string, args: unknown): TensorInfo {
  if (config == null) throw new Error(`${name} (selfevo): the backend's own wasm kernel is unknown`);
  ensureSetUp(config, (args as { backend: object }).backend);
  return config.kernelFunc(args as never) as TensorInfo;
}

/** Run `config.setupFunc` for `backend` unless it already ran here. */
export function ensureSetUp(config: KernelConfig, backend: object): void {
  if (config.setupFunc == null) return;
  let done = setUp.get(config);
  if (done == null) setUp.set(config, (done = new WeakSet()));
  if (done.has(backend)) return;
  config.setupFunc(backend as never);
  done.add(backend);
}

/** The backend's own kernels that a by-name override displaced (see `overrideEntry`). */
const displaced = new Map<string, KernelConfig>();

/** Run the backend's own kernel that `overrideEntry` displaced for `kernelName`. */
export function runDisplaced(kernelName: string, args: unknown): TensorInfo {
  return runOriginal(displaced.get(kernelName), kernelName, args);
}

/**
 * Run the displaced kernel's `setupFunc` for `backend` (a kernel's setupFunc runs when the backend
 * initialises): other kernels of the backend may call the C++ function it binds (the backend's
 * Sum, Max and others transpose through the one Transpose binds).
 */
export function setUpDisplaced(kernelName: string, backend: object): void {
  const original = displaced.get(kernelName);
  if (original != null) ensureSetUp(original, backend);
}

/** An entry of the override table in index.ts: the override, and the backend's own kernel it displaced, kept by name. */
export function overrideEntry(config: KernelConfig) {
  return {
    config,
    capture: (c: KernelConfig | undefined) => {
      if (c != null && c.kernelFunc !== config.kernelFunc) displaced.set(config.kernelName, c);
    },
    original: () => displaced.get(config.kernelName),
  };
}
