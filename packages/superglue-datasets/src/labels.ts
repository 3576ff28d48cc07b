import type { TaskName } from './types.js';

/**
 * Class order used by the formulations in this package. Map predictions back through these names,
 * never through raw class ids of another tool (tools disagree on the order).
 */
export const BOOLQ_LABELS = [false, true] as const;
export const CB_LABELS = ['entailment', 'contradiction', 'neutral'] as const;
export const RTE_LABELS = ['entailment', 'not_entailment'] as const;
export const AXB_LABELS = RTE_LABELS;
export const AXG_LABELS = RTE_LABELS;
export const WIC_LABELS = [false, true] as const;
export const WSC_LABELS = [false, true] as const;
/** COPA: the label is the index of the right choice (0 = choice1, 1 = choice2). */
export const COPA_LABELS = [0, 1] as const;
/** MultiRC: per answer option, 0 = wrong, 1 = right. */
export const MULTIRC_LABELS = [0, 1] as const;

export type LabelValue = string | number | boolean;

/** Label values of the classification tasks, in class-index order. ReCoRD has no fixed label set. */
export const LABELS: Readonly<Record<Exclude<TaskName, 'ReCoRD'>, readonly LabelValue[]>> = {
  BoolQ: BOOLQ_LABELS,
  CB: CB_LABELS,
  COPA: COPA_LABELS,
  MultiRC: MULTIRC_LABELS,
  RTE: RTE_LABELS,
  WiC: WIC_LABELS,
  WSC: WSC_LABELS,
  'AX-b': AXB_LABELS,
  'AX-g': AXG_LABELS,
};

/** Class index of an official label value; throws for a value outside the task's label set. */
export function labelIndex(task: Exclude<TaskName, 'ReCoRD'>, value: LabelValue): number {
  const i = LABELS[task].indexOf(value);
  if (i < 0) throw new RangeError(`unknown ${task} label ${JSON.stringify(value)}`);
  return i;
}

/** Official label value of a class index. */
export function labelName(task: Exclude<TaskName, 'ReCoRD'>, index: number): LabelValue {
  const labels = LABELS[task];
  if (!Number.isInteger(index) || index < 0 || index >= labels.length) {
    throw new RangeError(`${task} has no class index ${index}`);
  }
  return labels[index]!;
}
