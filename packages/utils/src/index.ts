export { SeededRandom, type SeededRandomState } from './seeded-random.js';
export { SelfevoError, type SelfevoErrorOptions } from './selfevo-error.js';
