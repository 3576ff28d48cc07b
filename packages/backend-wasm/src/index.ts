export { registerWasmBackend } from './register.js';
