export { SeededRandom, type SeededRandomState } from './seeded-random.js';
export { SelfevoError, type SelfevoErrorOptions, ShapeMismatchError } from './selfevo-error.js';
