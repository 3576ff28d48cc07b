import { SeededRandom } from '@selfevo/encoder-model';

/**
 * The generator a micro-batch's loss draws its randomness from (dropout, noise), seeded with a
 * uint32 the trainer draws from the run's seed stream. Randomness then depends only on
 * `(seed, micro-batch number)`: the same in every data-parallel replica and after a resume.
 *
 * If the model owns a generator (`target`, e.g. an encoder's `rng` used for dropout), its state is
 * set to the micro-batch's, and that same object is returned.
 */
export function microBatchRng(microSeed: number, target?: SeededRandom): SeededRandom {
  const fresh = new SeededRandom(microSeed);
  if (!target) return fresh;
  target.setState(fresh.getState());
  return target;
}

/**
 * The generator a model draws dropout from, if it has one (`model.rng`, e.g. the encoder's): the
 * trainer's default for `rng`. Anything without `getState` / `setState` does not count.
 */
export function modelRng(model: object): SeededRandom | undefined {
  const rng = (model as { rng?: unknown }).rng as SeededRandom | undefined;
  return typeof rng?.getState === 'function' && typeof rng.setState === 'function' ? rng : undefined;
}
