/** Raised when WebGPU is not available in this environment. */
export class WebGpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuUnavailableError';
  }
}

/**
 * Register `@tensorflow/tfjs-backend-webgpu` after checking that `navigator.gpu` gives an adapter.
 * In Chromium, WebGPU may need `--enable-unsafe-webgpu` (Linux) to expose an adapter.
 */
export async function registerWebGpuBackend(): Promise<void> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (gpu == null) {
    throw new WebGpuUnavailableError(
      'WebGPU is unavailable: navigator.gpu is undefined (use a browser with WebGPU, or in Node provide navigator.gpu, e.g. from the `webgpu` package)',
    );
  }
  const adapter = await gpu.requestAdapter();
  if (adapter == null) {
    throw new WebGpuUnavailableError(
      'WebGPU is unavailable: navigator.gpu.requestAdapter() returned null (in Chromium on Linux, start with --enable-unsafe-webgpu)',
    );
  }
  await import('@tensorflow/tfjs-backend-webgpu');
}
