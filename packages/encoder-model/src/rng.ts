// The seeded generator lives in @selfevo/utils (one RNG for every package); it is re-exported
// here so `import { SeededRandom } from '@selfevo/encoder-model'` and the model's own imports
// keep working. Same class, same stream.
export { SeededRandom, type SeededRandomState } from '@selfevo/utils';
