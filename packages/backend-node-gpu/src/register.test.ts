import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { NodeGpuBackendError, registerNodeGpuBackend } from './register.js';

const require = createRequire(import.meta.url);
function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
const anyInstalled = installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node');

// Where tfjs-node(-gpu) is installed (a GPU machine), useBackend('node-gpu') is the positive test.
describe.skipIf(anyInstalled)('registerNodeGpuBackend without tfjs-node(-gpu) installed', () => {
  it('fails with the install command for the GPU and the CPU build', async () => {
    const err = await registerNodeGpuBackend().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeGpuBackendError);
    expect((err as Error).message).toMatch(
      /npm install @tensorflow\/tfjs-node-gpu, or @tensorflow\/tfjs-node for CPU/,
    );
    expect((err as Error).cause).toBeDefined();
  });

  it('with allowCpuBuild: false, offers only the GPU package', async () => {
    const err = await registerNodeGpuBackend({ allowCpuBuild: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeGpuBackendError);
    expect((err as Error).message).toMatch(/npm install @tensorflow\/tfjs-node-gpu\)/);
    expect((err as Error).message).not.toMatch(/tfjs-node for CPU/);
  });
});
