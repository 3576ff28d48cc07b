export { NodeGpuBackendError, type NodeGpuOptions, registerNodeGpuBackend } from './register.js';
