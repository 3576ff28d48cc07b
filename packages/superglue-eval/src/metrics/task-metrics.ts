import {
  isLabel,
  isScoredTask,
  LABELS,
  type Label,
  parseTaskName,
  type ScoredTaskName,
  type TaskName,
} from '@selfevo/superglue-tasks';
import type { GoldSet } from '../data/gold.js';
import { InvalidGoldError } from '../errors.js';
import { getPrediction, type PredictionInput, predictionKeys } from '../predictions.js';
import { accuracy } from './accuracy.js';
import { macroF1 } from './f1.js';
import { genderParity } from './gender-parity.js';
import { matthewsCorrelation } from './matthews.js';
import { multircScores } from './multirc.js';
import { recordScores } from './record.js';

/** Metrics whose mean is the task's leaderboard score, in the leaderboard's column order. */
export const LEADERBOARD_METRICS: { readonly [T in ScoredTaskName]: readonly string[] } = {
  BoolQ: ['accuracy'],
  CB: ['f1Macro', 'accuracy'],
  COPA: ['accuracy'],
  MultiRC: ['f1a', 'em'],
  ReCoRD: ['f1', 'em'],
  RTE: ['accuracy'],
  WiC: ['accuracy'],
  WSC: ['accuracy'],
};

/** Metrics reported for each task (fractions in [0, 1]; MCC in [-1, 1]). */
export const TASK_METRICS: { readonly [T in TaskName]: readonly string[] } = {
  ...LEADERBOARD_METRICS,
  'AX-b': ['mcc', 'accuracy'],
  'AX-g': ['genderParity', 'accuracy'],
};

/** How many keys are listed in a result (counts are always complete). */
export const MAX_LISTED_KEYS = 20;

export interface TaskMetricsResult {
  task: TaskName;
  /** Metric name → value as a fraction (see {@link TASK_METRICS}). */
  metrics: Record<string, number>;
  /** Mean of the leaderboard metrics (main tasks); `null` for the diagnostics. */
  score: number | null;
  /** Scored units: examples, MultiRC answer options, or ReCoRD queries. */
  count: number;
  /** MultiRC: number of questions (the EM denominator). */
  questions?: number;
  missing: number;
  unparseable: number;
  /** Predictions whose key is not in the gold data (ignored by the metrics). */
  extra: number;
  /** Up to {@link MAX_LISTED_KEYS} keys of each kind, for the report. */
  missingKeys: string[];
  unparseableKeys: string[];
  extraKeys: string[];
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Computes every metric of `task` from gold data and predictions keyed by official idx
 * (`idxKey(idx)`; MultiRC: `multircKey(p, q, a)`). Values must be native labels (booleans for
 * BoolQ/WiC/WSC, strings for CB/RTE/AX, 0|1 for COPA/MultiRC, entity text for ReCoRD).
 * Missing or unparseable predictions count as wrong and are counted in the result:
 * accuracy/EM treat them as errors; for F1a and MCC (binary) they are the opposite label; for CB
 * macro-F1 they belong to no class (a false negative of the gold class).
 */
export function computeTaskMetrics(
  name: TaskName,
  gold: GoldSet,
  predictions: PredictionInput,
): TaskMetricsResult {
  const task = parseTaskName(name);
  if (gold.task !== task) throw new InvalidGoldError(task, `gold data is for ${gold.task}`);
  const missingKeys: string[] = [];
  const unparseableKeys: string[] = [];
  let missing = 0;
  let unparseable = 0;
  const goldKeys = new Set<string>();
  /** Returns the legal prediction or undefined, and tallies missing / unparseable. */
  const take = (key: string): Label | undefined => {
    goldKeys.add(key);
    const v = getPrediction(predictions, key);
    if (v === undefined) {
      missing++;
      if (missingKeys.length < MAX_LISTED_KEYS) missingKeys.push(key);
      return undefined;
    }
    if (!isLabel(task, v)) {
      unparseable++;
      if (unparseableKeys.length < MAX_LISTED_KEYS) unparseableKeys.push(key);
      return undefined;
    }
    return v as Label;
  };

  let metrics: Record<string, number>;
  let count: number;
  let questions: number | undefined;
  if (gold.kind === 'multirc') {
    const s = multircScores(gold, (key) => take(key) as 0 | 1 | undefined);
    metrics = { f1a: s.f1a, em: s.em };
    count = goldKeys.size;
    questions = gold.paragraphs.reduce((n, p) => n + p.questions.length, 0);
  } else if (gold.kind === 'record') {
    const golds = gold.queries.map((q) => {
      if (!q.answers) throw new InvalidGoldError(task, `query ${q.idx} has no gold answers`);
      return q.answers;
    });
    const s = recordScores(
      golds,
      gold.queries.map((q) => take(String(q.idx)) as string | undefined),
    );
    metrics = { f1: s.f1, em: s.em };
    count = gold.queries.length;
  } else {
    const g = gold.examples.map((e) => {
      if (e.label === undefined) throw new InvalidGoldError(task, `example idx ${e.key} has no gold label`);
      return e.label;
    });
    const p = gold.examples.map((e) => take(e.key));
    count = g.length;
    const acc = accuracy(g, p);
    if (task === 'CB') {
      metrics = { f1Macro: macroF1(g, p, LABELS.CB), accuracy: acc };
    } else if (task === 'AX-b') {
      const [a, b] = LABELS['AX-b'];
      const flipped = p.map((v, i) => (v === undefined ? (g[i] === a ? b : a) : v));
      metrics = { mcc: matthewsCorrelation(g, flipped), accuracy: acc };
    } else if (task === 'AX-g') {
      metrics = { genderParity: genderParity(p), accuracy: acc };
    } else {
      metrics = { accuracy: acc };
    }
  }
  const extraKeys: string[] = [];
  let extra = 0;
  for (const k of predictionKeys(predictions)) {
    if (!goldKeys.has(k)) {
      extra++;
      if (extraKeys.length < MAX_LISTED_KEYS) extraKeys.push(k);
    }
  }
  const score = isScoredTask(task) ? mean(LEADERBOARD_METRICS[task].map((m) => metrics[m])) : null;
  return {
    task,
    metrics,
    score,
    count,
    ...(questions === undefined ? {} : { questions }),
    missing,
    unparseable,
    extra,
    missingKeys,
    unparseableKeys,
    extraKeys,
  };
}
