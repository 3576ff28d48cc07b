/** Raised when tfjs-node(-gpu) cannot be loaded; the message says what to install. */
export class NodeGpuBackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NodeGpuBackendError';
  }
}

export interface NodeGpuOptions {
  /** Accept `@tensorflow/tfjs-node` (CPU, libtensorflow) when the GPU build is not installed. Default true. */
  allowCpuBuild?: boolean;
}

async function tryImport(name: string): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await import(/* @vite-ignore */ name);
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

/**
 * Load `@tensorflow/tfjs-node-gpu` (or, if allowed, `@tensorflow/tfjs-node`), which registers the
 * `tensorflow` backend. Both are optional peer dependencies: `npm install @tensorflow/tfjs-node-gpu`.
 * Returns which package was loaded.
 */
export async function registerNodeGpuBackend(options: NodeGpuOptions = {}): Promise<string> {
  const allowCpu = options.allowCpuBuild ?? true;
  const gpu = await tryImport('@tensorflow/tfjs-node-gpu');
  if (gpu.ok) return '@tensorflow/tfjs-node-gpu';
  const cudaHint = /libcud|cudnn|libcublas|\.so/i.test(describe(gpu.error))
    ? ' The package is installed but its CUDA libraries are missing: tfjs-node-gpu 4.x needs CUDA 11.2 and cuDNN 8.1 on the library path (LD_LIBRARY_PATH).'
    : '';
  if (allowCpu) {
    const cpu = await tryImport('@tensorflow/tfjs-node');
    if (cpu.ok) return '@tensorflow/tfjs-node';
  }
  throw new NodeGpuBackendError(
    `The node-gpu backend needs the optional peer dependency @tensorflow/tfjs-node-gpu ` +
      `(install it with: npm install @tensorflow/tfjs-node-gpu${allowCpu ? ', or @tensorflow/tfjs-node for CPU' : ''}).` +
      `${cudaHint} Import failed with: ${describe(gpu.error)}`,
    { cause: gpu.error },
  );
}
