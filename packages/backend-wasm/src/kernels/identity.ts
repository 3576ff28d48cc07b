import {
  Identity,
  type IdentityInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { runDisplaced } from './original.js';

/**
 * `Identity` for wasm without a copy: the output shares the input's heap buffer and bumps its
 * reference count, as the backend's own `Reshape` does (tensors are immutable, so sharing is safe).
 * tfjs-core runs Identity for every tensor a gradient saves (`engine.clone`), so the backend's
 * copying kernel cost about 6% of an encoder training step. Strings go to the original kernel.
 */
function identity(args: { inputs: IdentityInputs; backend: unknown }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return runDisplaced(Identity, args);
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
