export { registerWebGpuBackend, WebGpuUnavailableError } from './register.js';
