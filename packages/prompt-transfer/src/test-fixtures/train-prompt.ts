// Drives prompt tuning through @selfevo/trainer's train() (a devDependency: the package itself has no
// loop) on one fixed batch, as the removed PromptTrainer.step() loop did.
import type { AdamWOptions } from '@selfevo/encoder-model';
import { type BatchSource, type TrainOptions, type TrainResult, train } from '@selfevo/trainer';
import type { PromptBatch, PromptTuning, PromptTuningModel } from '../prompt-tuning.js';

/** The same batch every step. */
export function repeatBatch(batch: PromptBatch): BatchSource<PromptBatch> {
  return {
    batchesPerEpoch: 1,
    *epochBatches() {
      yield batch;
    },
  };
}

/**
 * `steps` optimizer steps of `tuning` on `batch` with AdamW (no weight decay, no clipping: the
 * removed PromptTrainer's update); returns the loss of every step (before its update).
 */
export async function trainOnBatch(
  tuning: PromptTuning,
  batch: PromptBatch,
  steps: number,
  optimizer: AdamWOptions = {},
  extra: Partial<TrainOptions<PromptTuningModel, PromptBatch>> = {},
): Promise<{ losses: number[]; result: TrainResult }> {
  const losses: number[] = [];
  const result = await train({
    ...tuning,
    trainData: repeatBatch(batch),
    optimizer: { weightDecay: 0, ...optimizer },
    maxSteps: steps,
    maxGradNorm: 0,
    progress: 'none',
    ...extra,
    callbacks: [{ onStepEnd: ({ loss }) => void losses.push(loss) }, ...(extra.callbacks ?? [])],
  });
  return { losses, result };
}
