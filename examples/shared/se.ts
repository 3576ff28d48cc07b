// Self-evolution continued pretraining (methods §1), shared by 03-se-continued-pretraining and the demo.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BertForMaskedLM } from '@selfevo/encoder-model';
import {
  evaluateHeldOut,
  maskingIds,
  type PretrainingRunOptions,
  runPretraining,
  scoreSelections,
} from '@selfevo/mlm-pretraining';
import { loadSelectionMap } from '@selfevo/self-evolution-masking/node';
import type { Tokenizer } from '@selfevo/tokenizer';
import type { ProgressMode } from '@selfevo/trainer';
import { plotTrainingLog } from '@selfevo/training-plots';
import { heldOutSet, packedRows } from './corpus.js';

/** AdamW with linear warmup (10 %) and decay, `evals` held-out evaluations and checkpoints per run. */
export function trainingPlan(
  steps: number,
  lr: number,
  evals: number,
): Pick<
  PretrainingRunOptions,
  'optimizer' | 'schedule' | 'evalEverySteps' | 'saveEverySteps' | 'saveTotalLimit'
> {
  const every = Math.max(1, Math.floor(steps / evals));
  return {
    optimizer: { lr, weightDecay: 0.01, eps: 1e-6 },
    schedule: { schedule: 'linear', peakLr: lr, warmupSteps: Math.ceil(steps / 10) },
    evalEverySteps: every,
    saveEverySteps: every,
    saveTotalLimit: 1,
  };
}

export interface SeOptions {
  modelDir: string;
  tokenizer: Tokenizer;
  files: string[];
  /** Rows of 128 tokens scored in stage 1 and trained on in stage 2; held-out rows. */
  rows: number;
  heldOutRows: number;
  /** Stage 1: informative iff NLL > tau (0.1 in the paper). Stage 2: weight of the reference (0.1). */
  tau: number;
  alpha: number;
  steps: number;
  batchSize: number;
  lr: number;
  seed: number;
  outDir: string;
  progress: ProgressMode;
  log: (line: string) => void;
}

export interface SeSummary {
  rows: number;
  selectedShare: number;
  steps: number;
  maskedTokens: number;
  fallbackRows: number;
  /** Held-out loss and accuracy at [MASK] positions (methods §1.6), before and after. */
  before: { loss: number; accuracy: number };
  after: { loss: number; accuracy: number };
  parameters: number;
  finalDir: string;
  plot: string | null;
}

/** Stage 1 (selection file, reused when present) + stage 2 (resumes from the newest checkpoint). */
export async function seContinuedPretraining(o: SeOptions): Promise<SeSummary> {
  const ids = maskingIds(o.tokenizer);
  const rows = await packedRows(join(o.outDir, 'train-rows.bin'), o.files, o.tokenizer, {
    seqLength: 128,
    maxSequences: o.rows,
    progress: o.progress,
  });
  const heldOut = await heldOutSet(join(o.outDir, 'held-out-rows.bin'), o.tokenizer, {
    seqLength: 128,
    sequences: o.heldOutRows,
  });
  const { model } = await BertForMaskedLM.fromPretrained(o.modelDir, { seed: o.seed, onProgress: false });
  const parameters = [...model.namedParameters().values()].reduce((a, v) => a + v.size, 0);
  const atMask = () => {
    const r = evaluateHeldOut(model, heldOut, { positions: 'mask', maskTokenId: ids.maskTokenId });
    return { loss: r.loss, accuracy: r.accuracy };
  };
  const before = atMask();
  const selection = join(o.outDir, 'se-selection.jsonl');
  if (!existsSync(selection))
    await scoreSelections(model, rows, {
      path: selection,
      specialTokenIds: ids.specialTokenIds,
      criterion: 'nll',
      threshold: o.tau,
      progress: o.progress,
    });
  const selections = await loadSelectionMap(selection);
  let selected = 0;
  for (const s of selections.values()) selected += s.length;
  let maskable = 0;
  for (let i = 0; i < rows.ids.length; i++) if (!ids.specialTokenIds.includes(rows.ids[i]!)) maskable++;
  const selectedShare = selected / Math.max(1, maskable);
  o.log(`SE stage 1: ${(100 * selectedShare).toFixed(1)} % of the tokens have NLL > τ = ${o.tau}`);
  const r = await runPretraining({
    model,
    train: rows,
    heldOut,
    masking: 'se',
    selections,
    loss: 'rectified',
    alpha: o.alpha,
    ids,
    batchSize: o.batchSize,
    maxSteps: o.steps,
    ...trainingPlan(o.steps, o.lr, 3),
    outputDir: o.outDir,
    seed: o.seed,
    progress: o.progress,
  });
  const after = atMask();
  model.dispose();
  const plot = r.logPath
    ? (await plotTrainingLog(r.logPath, o.outDir, { title: 'SE continued pretraining' })).svgPath
    : null;
  return {
    rows: rows.count,
    selectedShare,
    steps: r.steps,
    maskedTokens: r.budget.maskedTokens,
    fallbackRows: r.budget.fallbackRows,
    before,
    after,
    parameters,
    finalDir: r.finalDir,
    plot,
  };
}
