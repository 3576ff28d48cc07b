// Sizes of the demo's stages. quick (default) fits in about 5 minutes on 2 CPU cores; tiny is the
// CI smoke test; full is a long CPU or GPU run with the packages' full recipes.
import type { ScoredTaskName } from '@selfevo/superglue-datasets';

export interface Preset {
  name: 'tiny' | 'quick' | 'full';
  /** SE: packed rows of 128 tokens scored (stage 1) and trained on (stage 2); held-out rows. */
  seRows: number;
  heldOutRows: number;
  seSteps: number;
  seBatch: number;
  seLr: number;
  /** Fine-tuning: tasks (the others get the majority class), the quick recipes (1 epoch, <= 128 tokens), caps. */
  finetuneTasks: ScoredTaskName[];
  quickRecipes: boolean;
  maxTrain?: number;
  maxVal?: number;
  /** Prompt transfer: source library (tasks with a trained prompt), PANDA targets, sizes. */
  library: ScoredTaskName[];
  targets: ScoredTaskName[];
  promptLength: number;
  promptSteps: number;
  promptBatch: number;
  promptMaxTrain?: number;
}

export const PRESETS: Record<Preset['name'], Preset> = {
  tiny: {
    name: 'tiny',
    seRows: 16,
    heldOutRows: 8,
    seSteps: 2,
    seBatch: 8,
    seLr: 1e-4,
    finetuneTasks: ['CB', 'COPA', 'WSC'],
    quickRecipes: true,
    maxTrain: 16,
    maxVal: 16,
    library: ['CB', 'COPA', 'WSC'],
    targets: ['CB', 'COPA', 'WSC'],
    promptLength: 4,
    promptSteps: 2,
    promptBatch: 8,
    promptMaxTrain: 16,
  },
  quick: {
    name: 'quick',
    seRows: 256,
    heldOutRows: 32,
    seSteps: 24,
    seBatch: 16,
    seLr: 1e-4,
    // MultiRC is left to --full: its 9,693 test answers alone take minutes to predict on 2 cores.
    finetuneTasks: ['CB', 'COPA', 'RTE', 'WiC', 'WSC'],
    quickRecipes: true,
    maxTrain: 256,
    maxVal: 200,
    library: ['CB', 'COPA', 'RTE', 'WiC', 'WSC'],
    targets: ['CB', 'COPA', 'RTE', 'WSC'],
    promptLength: 16,
    promptSteps: 24,
    promptBatch: 16,
    promptMaxTrain: 384,
  },
  full: {
    name: 'full',
    seRows: 16384,
    heldOutRows: 256,
    seSteps: 1000,
    seBatch: 32,
    seLr: 1e-4,
    finetuneTasks: ['CB', 'COPA', 'MultiRC', 'RTE', 'WiC', 'WSC'],
    quickRecipes: false,
    library: ['CB', 'COPA', 'MultiRC', 'RTE', 'WiC', 'WSC'],
    targets: ['CB', 'COPA', 'RTE', 'WSC'],
    promptLength: 20,
    promptSteps: 600,
    promptBatch: 16,
  },
};
