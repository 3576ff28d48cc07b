// Registers tfjs-core's gradient functions (tf.grad / variableGrads need them).
// See scripts/bundle-gradients.mjs for why this is a bundle and not a plain import.
import './vendor/tfjs-gradients.js';

/** Gradients are registered as a side effect of importing this module; the call is for readability. */
export function registerGradients(): void {}
