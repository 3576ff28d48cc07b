import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernelFixes, syncFusedEncoderKernels } from './kernels/index.js';
import { nativeGemm, setNativeGemm } from './kernels/native-gemm-state.js';

export interface RegisterWasmOptions {
  /**
   * Run float32 matMuls with @selfevo/native-gemm (AVX-512 / AVX2+FMA, in place on the wasm heap)
   * when it is available: Node on x86-64 with the addon built at install. Default true; also
   * turned off by the environment variable SELFEVO_NATIVE_GEMM=0. In a browser this is ignored.
   */
  nativeGemm?: boolean;
  /**
   * Threads per native GEMM. Default: on the main thread, the number of cores (at most 4); in a
   * worker thread 1 (data-parallel workers already use one core each). Results are bit-identical
   * for any count.
   */
  gemmThreads?: number;
}

let registered = false;

/**
 * Register the tfjs wasm backend plus selfevo's kernel fixes (a kernel for `UnsortedSegmentSum`,
 * which embedding gradients need; `BatchMatMul` and `_FusedMatMul` that use the native GEMM in
 * Node, or else reach XNNPACK for transposed and batched products; `Slice`/`Unpack`/`SplitV` that
 * read heap views instead of copying the whole input). Kernels register once; a later call only
 * changes the native-GEMM options. Does not switch the active backend: call
 * `tf.setBackend('wasm')` (or `useBackend`).
 */
export async function registerWasmBackend(options: RegisterWasmOptions = {}): Promise<void> {
  await configureNativeGemm(options);
  syncFusedEncoderKernels();
  if (registered) return;
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmKernelFixes();
  registered = true;
  if (tf.findBackendFactory('wasm') == null)
    throw new Error('@tensorflow/tfjs-backend-wasm did not register a backend');
}

let unavailable: string | undefined;

async function defaultGemmThreads(): Promise<number> {
  // Variable specifiers, so that bundlers for the browser do not try to resolve Node builtins.
  const workerThreads = 'node:worker_threads';
  const os = 'node:os';
  const { isMainThread } = (await import(workerThreads)) as typeof import('node:worker_threads');
  if (!isMainThread) return 1;
  const { availableParallelism } = (await import(os)) as typeof import('node:os');
  return Math.max(1, Math.min(4, availableParallelism()));
}

async function configureNativeGemm(options: RegisterWasmOptions): Promise<void> {
  const asked = options.gemmThreads;
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1))
    throw new RangeError(`registerWasmBackend: gemmThreads must be a positive integer, got ${asked}`);
  if (options.nativeGemm === false || typeof process === 'undefined' || process.versions?.node == null) {
    setNativeGemm(undefined);
    unavailable = options.nativeGemm === false ? 'turned off (nativeGemm: false)' : 'not running in Node.js';
    return;
  }
  let mod: typeof import('@selfevo/native-gemm');
  try {
    // A variable specifier: bundlers for the browser must not follow it.
    const name = '@selfevo/native-gemm';
    mod = (await import(name)) as typeof import('@selfevo/native-gemm');
  } catch (err) {
    setNativeGemm(undefined);
    unavailable = `@selfevo/native-gemm is not installed (${(err as Error).message.split('\n')[0]})`;
    return;
  }
  const gemm = mod.loadNativeGemm();
  if (gemm == null) {
    setNativeGemm(undefined);
    unavailable = mod.nativeGemmUnavailableReason();
    return;
  }
  const threads = asked ?? (await defaultGemmThreads());
  setNativeGemm({
    raw: gemm.raw,
    isa: gemm.isa,
    threads,
    unary: gemm.unary,
    adamw: gemm.adamw,
    binary: gemm.binary,
    fused: gemm.fused,
  });
  unavailable = undefined;
}

/**
 * Which GEMM the wasm backend's matMuls use now: `{ native: true, isa, threads, unary }` (`unary`:
 * Exp/Erf/Tanh run natively too), or
 * `{ native: false, reason }` (XNNPACK inside the wasm module).
 */
export function wasmGemmInfo():
  | { native: true; isa: string; threads: number; unary: boolean }
  | { native: false; reason: string } {
  const g = nativeGemm();
  if (g != null) return { native: true, isa: g.isa, threads: g.threads, unary: g.unary != null };
  return { native: false, reason: unavailable ?? 'registerWasmBackend has not run' };
}
