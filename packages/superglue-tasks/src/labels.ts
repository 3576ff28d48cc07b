import { UnknownLabelError } from './errors.js';
import type { ClassificationTaskName, TaskName } from './tasks.js';

export type NliLabel = 'entailment' | 'not_entailment';
export type CbLabel = 'entailment' | 'contradiction' | 'neutral';

/** The native label of each task, as held in memory and in the official labelled JSONL. */
export interface TaskLabelMap {
  BoolQ: boolean;
  CB: CbLabel;
  /** The index of the right choice: 0 = choice1, 1 = choice2. */
  COPA: 0 | 1;
  /** Per answer option: 0 = wrong, 1 = right. */
  MultiRC: 0 | 1;
  /** The answer entity's text. */
  ReCoRD: string;
  RTE: NliLabel;
  WiC: boolean;
  WSC: boolean;
  'AX-b': NliLabel;
  'AX-g': NliLabel;
}
export type Label = TaskLabelMap[TaskName];
export type LabelValue = string | number | boolean;

export const BOOLQ_LABELS = [false, true] as const;
export const CB_LABELS = ['entailment', 'contradiction', 'neutral'] as const;
export const COPA_LABELS = [0, 1] as const;
export const MULTIRC_LABELS = [0, 1] as const;
export const RTE_LABELS = ['entailment', 'not_entailment'] as const;
export const WIC_LABELS = [false, true] as const;
export const WSC_LABELS = [false, true] as const;
export const AXB_LABELS = RTE_LABELS;
export const AXG_LABELS = RTE_LABELS;

/**
 * The label set of each classification task, in class-index order (ReCoRD has none). Models map
 * class ids through this order, and ties (e.g. a majority baseline) go to the label listed first.
 * Map predictions back through these values, never through another tool's class ids: tools
 * disagree on the order.
 */
export const LABELS: { readonly [T in ClassificationTaskName]: readonly TaskLabelMap[T][] } = {
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

/** Whether `value` is in the task's label set (ReCoRD: any string). */
export function isLabel(task: TaskName, value: unknown): value is Label {
  if (task === 'ReCoRD') return typeof value === 'string';
  return (LABELS[task] as readonly unknown[]).includes(value);
}

/** Class index of a label value; throws `UnknownLabelError` for a value outside the task's label set. */
export function labelIndex(task: ClassificationTaskName, value: LabelValue): number {
  const i = (LABELS[task] as readonly LabelValue[]).indexOf(value);
  if (i < 0)
    throw new UnknownLabelError(
      task,
      value,
      `unknown ${task} label ${JSON.stringify(value)} (expected one of ${JSON.stringify(LABELS[task])})`,
    );
  return i;
}

/** Label value of a class index; throws `UnknownLabelError` for an index outside [0, classes). */
export function labelName(task: ClassificationTaskName, index: number): LabelValue {
  const labels = LABELS[task] as readonly LabelValue[];
  if (!Number.isInteger(index) || index < 0 || index >= labels.length)
    throw new UnknownLabelError(task, index, `${task} has no class index ${index} (it has ${labels.length})`);
  return labels[index]!;
}
