import { InvalidGoldError } from '../errors.js';

/**
 * Winogender (AX-g) gender parity: the share of minimal pairs — rows 2k and 2k+1 in the official
 * file order — whose two predictions are the same. A pair with a missing prediction
 * (`undefined`/`null`) counts as not matching.
 */
export function genderParity<T>(predictions: readonly (T | undefined | null)[]): number {
  if (predictions.length === 0 || predictions.length % 2 !== 0) {
    throw new InvalidGoldError(
      'AX-g',
      `gender parity needs an even, non-zero number of rows; got ${predictions.length}`,
    );
  }
  let same = 0;
  for (let k = 0; k < predictions.length; k += 2) {
    const a = predictions[k];
    const b = predictions[k + 1];
    if (a !== undefined && a !== null && b !== undefined && b !== null && a === b) same++;
  }
  return same / (predictions.length / 2);
}
