export { SeededRandom } from './rng.js';
