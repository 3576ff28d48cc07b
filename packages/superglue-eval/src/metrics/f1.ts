import { MetricInputError } from '../errors.js';
import { checkLengths } from './accuracy.js';

/** Precision, recall and F1 of one class. */
export interface ClassF1 {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * One-vs-rest F1 of class `positive`: 2·TP / (2·TP + FP + FN). When the class is absent from both gold
 * and predictions (0/0) the F1 is 0, as in scikit-learn's default (`zero_division` "warn" → 0).
 * A missing prediction (`undefined`/`null`) is never `positive`, so it can only add a false negative.
 */
export function classF1<T>(
  gold: readonly T[],
  pred: readonly (T | undefined | null)[],
  positive: T,
): ClassF1 {
  checkLengths('F1', gold, pred);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] === positive;
    const p = pred[i] !== undefined && pred[i] !== null && pred[i] === positive;
    if (g && p) tp++;
    else if (p) fp++;
    else if (g) fn++;
  }
  return {
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
    f1: 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
    support: tp + fn,
  };
}

/** Binary F1 of the positive class (MultiRC F1a uses it pooled over all answer options, positive = 1). */
export function binaryF1<T>(
  gold: readonly T[],
  pred: readonly (T | undefined | null)[],
  positive: T,
): number {
  return classF1(gold, pred, positive).f1;
}

/** Unweighted mean of the per-class F1 over the given `labels` (CB: its three classes). */
export function macroF1<T>(
  gold: readonly T[],
  pred: readonly (T | undefined | null)[],
  labels: readonly T[],
): number {
  if (labels.length === 0) throw new MetricInputError('macroF1', 'needs at least one label');
  let sum = 0;
  for (const label of labels) sum += classF1(gold, pred, label).f1;
  return sum / labels.length;
}
