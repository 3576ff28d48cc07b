import { SeededRandom } from '@selfevo/utils';

/**
 * A copy of `items` in Fisher–Yates order drawn from `random`: a `SeededRandom` (advanced in
 * place), a seed for a fresh one, or any `() => number` in [0, 1).
 */
export function shuffled<T>(items: readonly T[], random: SeededRandom | number | (() => number)): T[] {
  const rng = typeof random === 'number' ? new SeededRandom(random) : random;
  const next = typeof rng === 'function' ? rng : () => rng.next();
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/**
 * mulberry32, the generator this package used before `SeededRandom` (@selfevo/utils) became the
 * one seeded RNG: `shuffled(items, mulberry32(seed))` reproduces the orders of earlier runs.
 * @deprecated Pass `new SeededRandom(seed)` (or the seed) to `shuffled` instead.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
