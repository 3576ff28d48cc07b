export { BackendUnavailableError } from './errors.js';
export { registerGradients } from './gradients.js';
export { type BackendChoice, type BackendName, useBackend } from './use-backend.js';
