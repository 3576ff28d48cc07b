import { type LabelValue, labelName } from '@selfevo/superglue-tasks';
import { DatasetOptionError } from './errors.js';
import type { CopaExample, FormulatedExample, MultiRcExample, RecordExample } from './formulated-example.js';

/** One prediction per official record, keyed by the official idx, label as in the official files. */
export interface OfficialPrediction {
  idx: number | string;
  label: LabelValue;
}

/** MultiRC predictions nested like the official file: paragraph → questions → answers. */
export interface MultiRcPrediction {
  idx: number;
  passage: { questions: { idx: number; answers: { idx: number; label: 0 | 1 }[] }[] };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Maps per-class scores (`scores[i]` = logits of example i) of the classification formulations
 * (BoolQ, CB, RTE, AX-b, AX-g, WiC, WSC) back to `{ idx, label }` with official label values.
 */
export function classPredictions(
  examples: readonly FormulatedExample[],
  scores: readonly ArrayLike<number>[],
): OfficialPrediction[] {
  return examples.map((e, i) => {
    if (e.kind !== 'pair' && e.kind !== 'wic' && e.kind !== 'wsc') {
      throw new DatasetOptionError(
        'examples',
        `classPredictions: ${e.task} examples are scored per candidate (use copaPredictions, multiRcPredictions or recordPredictions)`,
      );
    }
    return { idx: e.idx, label: labelName(e.task, argmax(scores[i]!)) };
  });
}

/** COPA: `scores[i]` = score of candidate i; the label is the choice with the higher score per record. */
export function copaPredictions(
  examples: readonly CopaExample[],
  scores: readonly number[],
): OfficialPrediction[] {
  const best = new Map<number, { choice: 0 | 1; score: number }>();
  examples.forEach((e, i) => {
    const b = best.get(e.group);
    if (!b || scores[i]! > b.score) best.set(e.group, { choice: e.choice, score: scores[i]! });
  });
  return [...best].map(([idx, b]) => ({ idx, label: b.choice }));
}

/** ReCoRD: `scores[i]` = score of example i; per query, the candidate with the highest score over its windows. */
export function recordPredictions(
  examples: readonly RecordExample[],
  scores: readonly number[],
): OfficialPrediction[] {
  const best = new Map<number, { candidate: string; score: number }>();
  examples.forEach((e, i) => {
    const b = best.get(e.group);
    if (!b || scores[i]! > b.score) best.set(e.group, { candidate: e.candidate, score: scores[i]! });
  });
  return [...best].map(([idx, b]) => ({ idx, label: b.candidate }));
}

/** MultiRC: `scores[i]` = logits `[wrong, right]` of answer option i; nested by paragraph and question. */
export function multiRcPredictions(
  examples: readonly MultiRcExample[],
  scores: readonly ArrayLike<number>[],
): MultiRcPrediction[] {
  const paragraphs = new Map<number, Map<number, { idx: number; label: 0 | 1 }[]>>();
  examples.forEach((e, i) => {
    let questions = paragraphs.get(e.idx.paragraph);
    if (!questions) paragraphs.set(e.idx.paragraph, (questions = new Map()));
    let answers = questions.get(e.idx.question);
    if (!answers) questions.set(e.idx.question, (answers = []));
    answers.push({ idx: e.idx.answer, label: argmax(scores[i]!) === 1 ? 1 : 0 });
  });
  return [...paragraphs].map(([idx, questions]) => ({
    idx,
    passage: { questions: [...questions].map(([qIdx, answers]) => ({ idx: qIdx, answers })) },
  }));
}
