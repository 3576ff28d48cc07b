import type { MultircGold } from '../data/gold.js';
import { multircKey } from '../data/gold.js';
import { InvalidGoldError } from '../errors.js';
import { binaryF1 } from './f1.js';

/**
 * MultiRC F1a and EM.
 * - F1a: binary F1 of label 1 pooled over **all answer options** of all questions.
 * - EM: share of questions whose answer options are **all** predicted right.
 * `predict(key)` returns the prediction for `multircKey(p, q, a)`, or `undefined` when missing; a
 * missing prediction counts as wrong (the opposite label).
 */
export function multircScores(
  gold: MultircGold,
  predict: (key: string) => 0 | 1 | undefined,
): { f1a: number; em: number } {
  const golds: (0 | 1)[] = [];
  const preds: (0 | 1)[] = [];
  let questions = 0;
  let exact = 0;
  for (const p of gold.paragraphs) {
    for (const q of p.questions) {
      questions++;
      let allRight = true;
      for (const a of q.answers) {
        if (a.label === undefined)
          throw new InvalidGoldError(
            'MultiRC',
            `answer ${multircKey(p.idx, q.idx, a.idx)} has no gold label`,
          );
        const pr = predict(multircKey(p.idx, q.idx, a.idx));
        const eff: 0 | 1 = pr === undefined ? (a.label === 1 ? 0 : 1) : pr;
        golds.push(a.label);
        preds.push(eff);
        if (eff !== a.label) allRight = false;
      }
      if (allRight) exact++;
    }
  }
  if (questions === 0) throw new InvalidGoldError('MultiRC', 'no questions to score');
  return { f1a: binaryF1(golds, preds, 1), em: exact / questions };
}
