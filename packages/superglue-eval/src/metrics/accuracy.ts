import { InvalidGoldError } from '../errors.js';

/**
 * Share of positions where `pred[i] === gold[i]`. A missing prediction (`undefined`/`null`) is wrong.
 * @throws InvalidGoldError when there are no gold examples or the lengths differ.
 */
export function accuracy<T>(gold: readonly T[], pred: readonly (T | undefined | null)[]): number {
  checkLengths('accuracy', gold, pred);
  let right = 0;
  for (let i = 0; i < gold.length; i++)
    if (pred[i] !== undefined && pred[i] !== null && pred[i] === gold[i]) right++;
  return right / gold.length;
}

export function checkLengths(metric: string, gold: readonly unknown[], pred: readonly unknown[]): void {
  if (gold.length === 0) throw new InvalidGoldError(metric, 'no gold examples to score');
  if (gold.length !== pred.length) {
    throw new InvalidGoldError(
      metric,
      `${gold.length} gold labels but ${pred.length} predictions (align missing ones as undefined)`,
    );
  }
}
