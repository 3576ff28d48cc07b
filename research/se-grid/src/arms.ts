// The arms of the grid (methods §1.5) and the flags of the grid command.

export interface Arm {
  key: string;
  label: string;
  masking: 'random' | 'se';
  loss: 'ce' | 'rectified';
  /** The stage-1 rule of an SE arm: the paper's τ rule (default) or the top-15% budget (ablation). */
  selection?: 'tau' | 'topk';
}

export const ARMS: readonly Arm[] = [
  { key: 'random-ce', label: 'random mask + CE', masking: 'random', loss: 'ce' },
  { key: 'se-ce', label: 'SE mask (τ = 0.1) + CE', masking: 'se', loss: 'ce', selection: 'tau' },
  { key: 'random-rect', label: 'random mask + rectified', masking: 'random', loss: 'rectified' },
  {
    key: 'se-rect',
    label: 'SE mask (τ = 0.1) + rectified',
    masking: 'se',
    loss: 'rectified',
    selection: 'tau',
  },
  { key: 'se-topk-ce', label: 'SE mask (top 15%) + CE', masking: 'se', loss: 'ce', selection: 'topk' },
  {
    key: 'se-topk-rect',
    label: 'SE mask (top 15%) + rectified',
    masking: 'se',
    loss: 'rectified',
    selection: 'topk',
  },
];

/** The paired comparisons of the report: (arm, against). */
export const PAIRS: readonly [string, string][] = [
  ['se-ce', 'random-ce'],
  ['random-rect', 'random-ce'],
  ['se-rect', 'random-ce'],
  ['se-rect', 'se-ce'],
  ['se-topk-ce', 'random-ce'],
  ['se-topk-rect', 'se-topk-ce'],
];

export const TASKS = ['CB', 'COPA', 'RTE', 'WiC', 'WSC'] as const;
export type GridTask = (typeof TASKS)[number];

/** Small fine-tuning settings: 13+ models × 5 tasks must fit a few CPU-hours. */
export const FINETUNE: Record<
  GridTask,
  { maxTrain: number; epochs: number; batch: number; maxLength: number }
> = {
  CB: { maxTrain: 250, epochs: 3, batch: 16, maxLength: 128 },
  COPA: { maxTrain: 800, epochs: 2, batch: 32, maxLength: 48 },
  RTE: { maxTrain: 400, epochs: 2, batch: 16, maxLength: 128 },
  WiC: { maxTrain: 400, epochs: 2, batch: 16, maxLength: 64 },
  WSC: { maxTrain: 554, epochs: 2, batch: 16, maxLength: 128 },
};
