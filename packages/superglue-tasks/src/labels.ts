import { UnknownLabelError } from './errors.js';
import { type ClassificationTaskName, parseTaskName, type TaskName } from './tasks.js';
import { previewValue } from './value-preview.js';

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
export function isLabel(name: TaskName, value: unknown): value is Label {
  const task = parseTaskName(name);
  if (task === 'ReCoRD') return typeof value === 'string';
  return (LABELS[task] as readonly unknown[]).includes(value);
}

/** The label set of a classification task (a name through `parseTaskName`; ReCoRD has none). */
function labelsOf(name: ClassificationTaskName, value: unknown): readonly LabelValue[] {
  const task = parseTaskName(name);
  if (task === 'ReCoRD') {
    throw new UnknownLabelError(
      task,
      value,
      'ReCoRD has no class indices: its label is the answer entity text',
    );
  }
  return LABELS[task] as readonly LabelValue[];
}

/** Class index of a label value; throws `UnknownLabelError` for a value outside the task's label set. */
export function labelIndex(task: ClassificationTaskName, value: LabelValue): number {
  const labels = labelsOf(task, value);
  const i = labels.indexOf(value);
  if (i < 0)
    throw new UnknownLabelError(
      task,
      value,
      `unknown ${task} label ${previewValue(value)} (expected one of ${JSON.stringify(labels)})`,
    );
  return i;
}

/** Label value of a class index; throws `UnknownLabelError` for an index outside [0, classes). */
export function labelName(task: ClassificationTaskName, index: number): LabelValue {
  const labels = labelsOf(task, index);
  if (!Number.isInteger(index) || index < 0 || index >= labels.length)
    throw new UnknownLabelError(
      task,
      index,
      `${task} has no class index ${previewValue(index)} (it has ${labels.length})`,
    );
  return labels[index]!;
}
