import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmGemmInfo } from './register.js';

const native = await (async () => {
  await registerWasmBackend();
  return wasmGemmInfo().native;
})();

describe.skipIf(!native)('registerWasmBackend native-GEMM options', () => {
  afterAll(async () => {
    await registerWasmBackend();
  });

  it('defaults to one GEMM thread per core (at most 4) on the main thread', async () => {
    await registerWasmBackend();
    expect(wasmGemmInfo()).toMatchObject({ native: true, threads: Math.min(4, availableParallelism()) });
  });

  it('defaults to 1 thread inside a worker thread (data-parallel replicas)', async () => {
    const url = new URL('../dist/index.js', import.meta.url).href;
    const w = new Worker(
      `const { parentPort } = require('node:worker_threads');
       import(${JSON.stringify(url)}).then(async (m) => { await m.registerWasmBackend(); parentPort.postMessage(m.wasmGemmInfo()); },
         (e) => parentPort.postMessage(String(e)));`,
      { eval: true },
    );
    const info = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(info).toMatchObject({ native: true, threads: 1 });
  });

  it('takes gemmThreads and nativeGemm: false, and rejects a bad thread count', async () => {
    await registerWasmBackend({ gemmThreads: 3 });
    expect(wasmGemmInfo()).toMatchObject({ native: true, threads: 3 });
    await registerWasmBackend({ nativeGemm: false });
    expect(wasmGemmInfo()).toEqual({ native: false, reason: 'turned off (nativeGemm: false)' });
    await expect(registerWasmBackend({ gemmThreads: 0 })).rejects.toThrow(
      /gemmThreads must be a positive integer, got 0/,
    );
    await expect(registerWasmBackend({ gemmThreads: 1.5 })).rejects.toThrow(/positive integer/);
  });
});
