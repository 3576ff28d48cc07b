import {
  engine,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { adamWConfig } from './adamw.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { fusedMatMulConfig } from './fused-mat-mul.js';
import { gatherV2Config } from './gather.js';
import { identityConfig } from './identity.js';
import { addConfig, multiplyConfig, subConfig } from './native-binary.js';
import { erfConfig, expConfig, tanhConfig } from './native-unary.js';
import { ensureSetUp, overrideEntry } from './original.js';
import { sliceConfig } from './slice.js';
import { sumConfig } from './sum.js';
import { transposeConfig } from './transpose.js';
import { splitVConfig, unpackConfig } from './unpack-split.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

export { ADAMW_KERNEL, adamWConfig } from './adamw.js';
export { batchMatMulConfig } from './batch-mat-mul.js';
export { fusedEncoderConfigs, syncFusedEncoderKernels } from './fused-encoder.js';
export { fusedMatMulConfig } from './fused-mat-mul.js';
export { gatherV2Config } from './gather.js';
export { identityConfig } from './identity.js';
export { addConfig, multiplyConfig, subConfig } from './native-binary.js';
export { type NativeGemmState, nativeGemm, setNativeGemm } from './native-gemm-state.js';
export { erfConfig, expConfig, tanhConfig } from './native-unary.js';
export { sliceConfig } from './slice.js';
export { sumConfig } from './sum.js';
export { transposeConfig } from './transpose.js';
export { splitVConfig, unpackConfig } from './unpack-split.js';
export { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/**
 * Kernels tfjs-backend-wasm 4.22 lacks: registered once, never removed. `SelfevoAdamW` is the
 * optional fused optimizer kernel @selfevo/encoder-model's AdamW looks for.
 */
const missing: KernelConfig[] = [unsortedSegmentSumConfig, adamWConfig];

/** Kernels that replace slow ones of tfjs-backend-wasm 4.22, with the way back to the original. */
const overrides = [
  overrideEntry(batchMatMulConfig),
  overrideEntry(fusedMatMulConfig),
  overrideEntry(identityConfig),
  overrideEntry(expConfig),
  overrideEntry(erfConfig),
  overrideEntry(tanhConfig),
  overrideEntry(addConfig),
  overrideEntry(subConfig),
  overrideEntry(multiplyConfig),
  overrideEntry(sliceConfig),
  overrideEntry(gatherV2Config),
  overrideEntry(transposeConfig),
  overrideEntry(sumConfig),
  overrideEntry(unpackConfig),
  overrideEntry(splitVConfig),
];

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName) != null)
    unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/**
 * Registers all of selfevo's wasm kernel fixes (idempotent): the missing `UnsortedSegmentSum`, and
 * fast `BatchMatMul`, `_FusedMatMul`, `Identity`, `Exp`/`Erf`/`Tanh`, `Add`/`Sub`/`Multiply`, `Slice`, `GatherV2`, `Transpose`, `Sum`, `Unpack` and `SplitV` in place of the backend's own. Call after
 * `@tensorflow/tfjs-backend-wasm` has been imported (it registers its kernels on import).
 */
export function registerWasmKernelFixes(): void {
  for (const config of missing) {
    if (getKernel(config.kernelName, config.backendName) == null) registerKernel(config);
  }
  for (const o of overrides) {
    const current = getKernel(o.config.kernelName, o.config.backendName);
    if (current?.kernelFunc === o.config.kernelFunc) continue;
    o.capture(current);
    replace(o.config);
  }
}

/**
 * Puts the backend's own `BatchMatMul`, `_FusedMatMul`, `Identity`, `Slice`, `GatherV2`, `Unpack` and `SplitV` (and the other overrides) back (for benchmarks and A/B checks).
 * `UnsortedSegmentSum` stays: without it embedding gradients cannot run at all.
 */
export function unregisterWasmKernelFixes(): void {
  for (const o of overrides) {
    const current = getKernel(o.config.kernelName, o.config.backendName);
    const original = o.original();
    if (current?.kernelFunc !== o.config.kernelFunc || original == null) continue;
    replace(original);
    // Bind its C++ function now if the backend is already up (setup runs only at backend init).
    const backend = initializedWasmBackend();
    if (backend != null) ensureSetUp(original, backend);
  }
}

/** Whether the fast `BatchMatMul`/`_FusedMatMul`/`Identity`/`Slice`/`Unpack`/`SplitV` kernels are the registered ones now. */
export function wasmKernelFixesActive(): boolean {
  return overrides.every(
    (o) => getKernel(o.config.kernelName, o.config.backendName)?.kernelFunc === o.config.kernelFunc,
  );
}

function initializedWasmBackend(): object | undefined {
  const e = engine() as unknown as { registry: Record<string, object | undefined> };
  return e.registry.wasm;
}
