/**
 * EXPERIMENT (bench only, not shipped): tfjs-backend-wasm's threaded SIMD build in Node.
 *
 * tfjs-backend-wasm 4.22 hard-disables threads in Node. This registers the 'wasm' backend from the
 * package's standalone threaded glue (wasm-out/tfjs-backend-wasm-threaded-simd.js) instead:
 * - the pthread worker is written to a real temp file (the package ships it only as a string that
 *   the browser path turns into a blob: URL, which Node's worker_threads cannot load);
 * - workers load the standalone glue (`mainScriptUrlOrBlob`), not the bundled node build;
 * - the C++ side caps threads at (logical cores / 2); os.cpus() is widened while it initialises;
 * - workers are started without the parent's loader flags (tsx) and unref'd so the process can exit.
 * The selfevo kernel fixes are registered on top, as usual.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernelFixes } from '../src/index.js';

type EmscriptenModule = {
  cwrap(name: string, ret: string | null, args: string[]): unknown;
  PThread: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
};

export async function registerThreadedWasmBackend(threads: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const wasmPkg = require('@tensorflow/tfjs-backend-wasm') as {
    BackendWasm: new (m: unknown) => tf.KernelBackend;
    setThreadsCount(n: number): void;
  };
  const out = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const glue = join(out, 'tfjs-backend-wasm-threaded-simd.js');
  const workerFile = join(mkdtempSync(join(os.tmpdir(), 'selfevo-wasm-worker-')), 'worker.cjs');
  const contents = (
    require(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string }
  ).wasmWorkerContents;
  // The same escaping tfjs-backend-wasm applies before building its blob.
  writeFileSync(workerFile, contents.replace(/\n/g, '\\n'));
  const factory = require(glue) as (config: object) => Promise<EmscriptenModule>;

  const wt = require('node:worker_threads') as { Worker: new (f: string, o?: object) => unknown };
  const OrigWorker = wt.Worker;
  wt.Worker = class extends (OrigWorker as new (f: string, o?: object) => object) {
    constructor(file: string, opts?: object) {
      super(file, { ...(opts ?? {}), execArgv: [] });
    }
  } as typeof wt.Worker;

  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const keepAlive = setInterval(() => {}, 1000); // workers are unref'd while they load
      const cpus = os.cpus;
      const one = cpus()[0];
      os.cpus = () => Array.from({ length: 2 * threads }, () => one);
      try {
        const module = await factory({
          locateFile: (p: string, prefix: string) =>
            p.endsWith('.worker.js') ? workerFile : p.endsWith('.wasm') ? join(out, p) : prefix + p,
          mainScriptUrlOrBlob: glue,
        });
        module.tfjs = {
          init: module.cwrap('init', null, []),
          initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
          getThreadsCount: module.cwrap('get_threads_count', 'number', []),
          registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
          disposeData: module.cwrap('dispose_data', null, ['number']),
          dispose: module.cwrap('dispose', null, []),
        };
        wasmPkg.setThreadsCount(threads);
        const backend = new wasmPkg.BackendWasm(module);
        for (const w of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) w.unref();
        return backend;
      } finally {
        os.cpus = cpus;
        clearInterval(keepAlive);
      }
    },
    3,
  );
  if (!(await tf.setBackend('wasm'))) throw new Error('threaded wasm backend did not initialise');
  registerWasmKernelFixes();
  const b = tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } };
  return b.wasm.tfjs.getThreadsCount();
}
