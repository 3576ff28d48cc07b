import type { TaskName } from '@selfevo/superglue-tasks';
import { LABELS, type Label, parseTaskName, previewValue } from '@selfevo/superglue-tasks';
import { SeededRandom } from '@selfevo/utils';
import type { GoldSet } from './data/gold.js';
import { multircKey } from './data/gold.js';
import { EvalOptionError, InvalidGoldError } from './errors.js';

/** FNV-1a hash of a string, to give every task its own random stream from one seed. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Every gold label of a labelled gold set (MultiRC: every answer label). */
function goldLabels(gold: GoldSet): Label[] {
  if (gold.kind === 'single') return gold.examples.flatMap((e) => (e.label === undefined ? [] : [e.label]));
  if (gold.kind === 'multirc') {
    return gold.paragraphs.flatMap((p) =>
      p.questions.flatMap((q) => q.answers.flatMap((a) => (a.label === undefined ? [] : [a.label]))),
    );
  }
  return [];
}

/**
 * The most frequent label of `labelSource` (e.g. the training split). Ties go to the label listed
 * first in `LABELS` (BoolQ/WiC/WSC: false; COPA/MultiRC: 0; CB/RTE/AX: entailment).
 */
export function majorityLabel(name: Exclude<TaskName, 'ReCoRD'>, labelSource: GoldSet): Label {
  const task = parseTaskName(name);
  if (task === 'ReCoRD') throw new InvalidGoldError(task, 'ReCoRD has no label set: use majorityBaseline');
  const labels = goldLabels(labelSource);
  if (labels.length === 0) throw new InvalidGoldError(task, 'majority baseline needs labelled examples');
  const order = LABELS[task] as readonly Label[];
  const counts = order.map((l) => labels.filter((x) => x === l).length);
  let best = 0;
  for (let i = 1; i < order.length; i++) if (counts[i] > counts[best]) best = i;
  return order[best];
}

/** Every prediction key of a gold set with the value `choose` returns for it. */
function predictAll(gold: GoldSet, choose: (entities?: string[]) => Label): Map<string, Label> {
  const out = new Map<string, Label>();
  if (gold.kind === 'single') for (const e of gold.examples) out.set(e.key, choose());
  else if (gold.kind === 'multirc') {
    for (const p of gold.paragraphs)
      for (const q of p.questions)
        for (const a of q.answers) out.set(multircKey(p.idx, q.idx, a.idx), choose());
  } else for (const q of gold.queries) out.set(String(q.idx), choose(q.entities));
  return out;
}

/**
 * Majority-class predictions for every example of `gold`: the most frequent label of
 * `labelSource` (default: `gold` itself). ReCoRD: the passage's most frequent entity text
 * (ties: first in passage order).
 */
export function majorityBaseline(
  name: TaskName,
  gold: GoldSet,
  labelSource: GoldSet = gold,
): Map<string, Label> {
  const task = parseTaskName(name);
  if (task === 'ReCoRD') {
    return predictAll(gold, (entities) => {
      if (!entities || entities.length === 0) throw new InvalidGoldError(task, 'a passage has no entities');
      const counts = new Map<string, number>();
      for (const e of entities) counts.set(e, (counts.get(e) ?? 0) + 1);
      let best = entities[0];
      for (const [e, c] of counts) if (c > counts.get(best)!) best = e;
      return best;
    });
  }
  const label = majorityLabel(task, labelSource);
  return predictAll(gold, () => label);
}

/** Uniformly random labels (ReCoRD: a random entity of the passage), reproducible from `seed`. */
export function randomBaseline(name: TaskName, gold: GoldSet, seed: number): Map<string, Label> {
  const task = parseTaskName(name);
  if (!Number.isSafeInteger(seed))
    throw new EvalOptionError('seed', `must be an integer, got ${previewValue(seed)}`);
  const rng = new SeededRandom((seed ^ hashString(task)) >>> 0);
  if (task === 'ReCoRD') {
    return predictAll(gold, (entities) => {
      if (!entities || entities.length === 0) throw new InvalidGoldError(task, 'a passage has no entities');
      return entities[rng.nextInt(entities.length)];
    });
  }
  const order = LABELS[task] as readonly Label[];
  return predictAll(gold, () => order[rng.nextInt(order.length)]);
}
