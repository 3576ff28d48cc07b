import { afterEach, describe, expect, it } from 'vitest';
import { registerWebGpuBackend, WebGpuUnavailableError } from './register.js';

const g = globalThis as { navigator?: unknown };
const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'navigator', original);
  else delete g.navigator;
});

function setNavigator(value: unknown): void {
  Object.defineProperty(globalThis, 'navigator', { value, configurable: true, writable: true });
}

// The positive path (a real adapter in headless Chromium) is tested in @selfevo/backend
// (src/test/browser.test.ts), which runs useBackend('webgpu') in the page.
describe('registerWebGpuBackend', () => {
  it('fails with WebGpuUnavailableError when navigator.gpu is missing (Node)', async () => {
    setNavigator({});
    const err = await registerWebGpuBackend().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebGpuUnavailableError);
    expect((err as Error).message).toMatch(/navigator\.gpu is undefined/);
  });

  it('names the Chromium flag when the adapter is null', async () => {
    let asked = 0;
    setNavigator({
      gpu: {
        requestAdapter: async () => {
          asked++;
          return null;
        },
      },
    });
    const err = await registerWebGpuBackend().catch((e: unknown) => e);
    expect(asked).toBe(1);
    expect(err).toBeInstanceOf(WebGpuUnavailableError);
    expect((err as Error).message).toMatch(/--enable-unsafe-webgpu/);
  });
});
