import type { TaskName } from '@selfevo/superglue-tasks';
import { isLabel, type Label, parseTaskName, previewValue } from '@selfevo/superglue-tasks';
import type { GoldSet } from '../data/gold.js';
import { InvalidPredictionError } from '../errors.js';
import { toSubmissionLabel } from '../labels.js';
import { getPrediction, type PredictionInput, predictionKeys } from '../predictions.js';

const INT = /^-?\d+$/;

function compareKeys(a: string, b: string): number {
  const pa = a.split('/').map(Number);
  const pb = b.split('/').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The JSON idx written for a key: an integer (AX-b's string idx "12" is written as 12, as jiant does). */
function idxValue(task: TaskName, key: string): number | string {
  if (INT.test(key)) return Number(key);
  if (task === 'AX-b') return key;
  throw new InvalidPredictionError(task, key, 'key is not an integer idx');
}

function legal(task: TaskName, key: string, v: unknown): Label {
  if (v === undefined) throw new InvalidPredictionError(task, key, 'missing prediction');
  if (!isLabel(task, v)) {
    throw new InvalidPredictionError(task, key, `${previewValue(v)} is not a legal ${task} label`);
  }
  return v as Label;
}

/** Keys in output order: the reference file order when given (every prediction must be in it), else numeric. */
function orderedKeys(task: TaskName, preds: PredictionInput, referenceKeys?: string[]): string[] {
  const keys = predictionKeys(preds);
  if (!referenceKeys) return keys.sort(compareKeys);
  const ref = new Set(referenceKeys);
  for (const k of keys)
    if (!ref.has(k)) throw new InvalidPredictionError(task, k, 'idx is not in the reference file');
  return referenceKeys.filter((k) => getPrediction(preds, k) !== undefined);
}

/** Reference keys of a gold set in file order (`idxKey`, MultiRC `multircKey`). */
export function goldKeys(gold: GoldSet): string[] {
  if (gold.kind === 'single') return gold.examples.map((e) => e.key);
  if (gold.kind === 'record') return gold.queries.map((q) => String(q.idx));
  const out: string[] = [];
  for (const p of gold.paragraphs)
    for (const q of p.questions) for (const a of q.answers) out.push(`${p.idx}/${q.idx}/${a.idx}`);
  return out;
}

/**
 * The text of one submission file (§3.2), one JSON object per line, each line ending in "\n".
 * Predictions are native labels keyed like `computeTaskMetrics` expects.
 * @throws InvalidPredictionError on an illegal label or (with a reference) an unknown idx.
 */
export function formatSubmissionFile(name: TaskName, preds: PredictionInput, reference?: GoldSet): string {
  const task = parseTaskName(name);
  const keys = orderedKeys(task, preds, reference ? goldKeys(reference) : undefined);
  const lines: string[] = [];
  if (task === 'MultiRC') {
    const paragraphs = new Map<number, Map<number, { idx: number; label: 0 | 1 }[]>>();
    for (const key of keys) {
      const parts = key.split('/');
      if (parts.length !== 3 || !parts.every((x) => INT.test(x))) {
        throw new InvalidPredictionError(
          task,
          key,
          'MultiRC keys must be "paragraph/question/answer" integers (multircKey)',
        );
      }
      const [p, q, a] = parts.map(Number);
      const label = legal(task, key, getPrediction(preds, key)) as 0 | 1;
      let qs = paragraphs.get(p);
      if (!qs) paragraphs.set(p, (qs = new Map()));
      let as = qs.get(q);
      if (!as) qs.set(q, (as = []));
      as.push({ idx: a, label });
    }
    for (const [p, qs] of paragraphs) {
      const questions = [...qs].map(([q, answers]) => ({ idx: q, answers }));
      lines.push(JSON.stringify({ idx: p, passage: { questions } }));
    }
  } else {
    for (const key of keys) {
      const label = legal(task, key, getPrediction(preds, key));
      lines.push(JSON.stringify({ idx: idxValue(task, key), label: toSubmissionLabel(task, label) }));
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
