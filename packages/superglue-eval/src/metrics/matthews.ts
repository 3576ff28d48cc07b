import { checkLengths } from './accuracy.js';

/**
 * Matthews correlation coefficient (the multiclass form of Gorodkin 2004, identical to the binary
 * (TP·TN − FP·FN)/√((TP+FP)(TP+FN)(TN+FP)(TN+FN)) for two classes, and to scikit-learn's
 * `matthews_corrcoef`). When either the gold or the predictions hold a single class the
 * denominator is 0 and the result is 0 (never NaN).
 * Every prediction must be present: map missing ones to a wrong label before calling.
 */
export function matthewsCorrelation<T>(gold: readonly T[], pred: readonly T[]): number {
  checkLengths('MCC', gold, pred);
  const index = new Map<T, number>();
  for (const v of [...gold, ...pred]) if (!index.has(v)) index.set(v, index.size);
  const k = index.size;
  const tSum = new Array<number>(k).fill(0);
  const pSum = new Array<number>(k).fill(0);
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    tSum[index.get(gold[i])!]++;
    pSum[index.get(pred[i])!]++;
    if (gold[i] === pred[i]) correct++;
  }
  const n = gold.length;
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let c = 0; c < k; c++) {
    tp += tSum[c] * pSum[c];
    pp += pSum[c] * pSum[c];
    tt += tSum[c] * tSum[c];
  }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  if (covYpYp === 0 || covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}
