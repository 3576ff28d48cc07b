/**
 * Predictions of one task, keyed by the official idx as a string (`idxKey(idx)`); MultiRC by
 * `multircKey(paragraph, question, answer)`. Values are native labels (see `TaskLabelMap`).
 * Anything else (wrong type, illegal value) is counted as unparseable, hence wrong.
 */
export type PredictionInput = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

/** Looks up a prediction in a Map or a plain object. */
export function getPrediction(preds: PredictionInput, key: string): unknown {
  if (preds instanceof Map) return preds.get(key);
  return Object.hasOwn(preds, key) ? (preds as Record<string, unknown>)[key] : undefined;
}

export function predictionKeys(preds: PredictionInput): string[] {
  return preds instanceof Map ? [...preds.keys()] : Object.keys(preds);
}
