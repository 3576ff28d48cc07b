import { MetricInputError } from '../errors.js';
/**
 * ReCoRD answer normalisation, as in the official evaluation (SQuAD v1.1 style): lowercase,
 * drop ASCII punctuation, drop the articles a/an/the as whole words, collapse whitespace.
 * Word boundaries follow Python's Unicode `\b` (letters, digits and `_` are word characters).
 */
export function normalizeAnswer(s: string): string {
  let t = s.toLowerCase();
  t = t.replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '');
  t = t.replace(/(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu, ' ');
  return t
    .split(/[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u)
    .filter((w) => w.length > 0)
    .join(' ');
}

function tokens(s: string): string[] {
  const n = normalizeAnswer(s);
  return n === '' ? [] : n.split(' ');
}

/** Token-overlap F1 of one prediction against one gold answer (0 when nothing overlaps). */
export function recordTokenF1(prediction: string, gold: string): number {
  const p = tokens(prediction);
  const g = tokens(gold);
  const counts = new Map<string, number>();
  for (const w of g) counts.set(w, (counts.get(w) ?? 0) + 1);
  let same = 0;
  for (const w of p) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      same++;
      counts.set(w, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** 1 when the normalised prediction equals the normalised gold answer, else 0. */
export function recordExactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** Max over the gold answers of a per-answer metric (official `metric_max_over_ground_truths`). */
export function maxOverGold(
  metric: (p: string, g: string) => number,
  prediction: string,
  golds: readonly string[],
): number {
  let best = 0;
  for (const g of golds) best = Math.max(best, metric(prediction, g));
  return best;
}

/**
 * Mean token F1 and EM over all queries; a missing prediction (`undefined`/`null`) scores 0 on both.
 * `golds[i]` holds every gold answer text of query i.
 */
export function recordScores(
  golds: readonly (readonly string[])[],
  predictions: readonly (string | undefined | null)[],
): { f1: number; em: number } {
  if (golds.length === 0) throw new MetricInputError('recordScores', 'no gold queries to score');
  if (golds.length !== predictions.length)
    throw new MetricInputError(
      'recordScores',
      `gold and prediction counts differ (${golds.length} vs ${predictions.length})`,
    );
  let f1 = 0;
  let em = 0;
  for (let i = 0; i < golds.length; i++) {
    const p = predictions[i];
    if (p === undefined || p === null) continue;
    f1 += maxOverGold(recordTokenF1, p, golds[i]);
    em += maxOverGold(recordExactMatch, p, golds[i]);
  }
  return { f1: f1 / golds.length, em: em / golds.length };
}
