import { SeededRandom } from '@selfevo/utils';
import { MaskingConfigError } from './errors.js';

/** Every randomised function takes either a generator (advanced in place) or a seed. */
export interface Seeded {
  /** A generator, advanced in place (so successive batches differ); takes precedence over `seed`. */
  rng?: SeededRandom;
  /** Seed for a fresh `SeededRandom`. */
  seed?: number;
}

export function resolveRng(o: Seeded, fn: string): SeededRandom {
  if (o.rng) {
    if (!(o.rng instanceof SeededRandom) && typeof (o.rng as SeededRandom).next !== 'function')
      throw new MaskingConfigError('rng', `${fn}: expected a SeededRandom`);
    return o.rng;
  }
  if (o.seed === undefined)
    throw new MaskingConfigError('seed', `${fn} is seeded: pass { rng: SeededRandom } or { seed: number }`);
  if (!Number.isFinite(o.seed))
    throw new MaskingConfigError('seed', `must be a finite number, got ${o.seed}`);
  return new SeededRandom(o.seed);
}
