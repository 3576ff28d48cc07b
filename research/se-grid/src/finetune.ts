// Fine-tune the base and the arms' final models on the grid's SuperGLUE tasks with the shared
// recipes (@selfevo/superglue-finetuning), small settings (arms.ts FINETUNE), dev score of the best
// epoch. One result file per (model, seed, task): a rerun skips what is done.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { finetuneTask, loadEncoderSource, resolveRecipe } from '@selfevo/superglue-finetuning';
import type { Tokenizer } from '@selfevo/tokenizer';
import { writeFileAtomic } from '@selfevo/utils/node';
import { FINETUNE, type GridTask } from './arms.js';

export async function finetuneModels(o: {
  work: string;
  base: string;
  dataDir: string;
  tokenizer: Tokenizer;
  models: string[];
  seeds: number[];
  tasks: readonly GridTask[];
  log: (s: string) => void;
}): Promise<void> {
  // Seed-major: complete seeds first, so a partial run still has paired comparisons.
  for (const seed of o.seeds)
    for (const key of o.models) {
      const dir = key === 'base' ? o.base : join(o.work, 'arms', key, `seed-${seed}`, 'final');
      if (!existsSync(join(dir, 'model.safetensors'))) {
        o.log(`finetune ${key} seed ${seed}: no model at ${dir} yet (skipped)`);
        continue;
      }
      const encoder = await loadEncoderSource(dir);
      for (const task of o.tasks) {
        const out = join(o.work, 'finetune', key, `seed-${seed}`, `${task}.json`);
        if (existsSync(out)) continue;
        const f = FINETUNE[task];
        const recipe = resolveRecipe(task, {
          epochs: f.epochs,
          batchSize: f.batch,
          maxLength: f.maxLength,
          learningRate: 1e-4,
          warmupRatio: 0.1,
          weightDecay: 0.01,
          earlyStoppingPatience: 0,
        });
        const t0 = performance.now();
        const r = await finetuneTask({
          task,
          dataDir: join(o.dataDir, 'superglue'),
          outDir: join(o.work, 'finetune', key, `seed-${seed}`, `${task}-run`),
          encoder,
          tokenizer: o.tokenizer,
          recipe,
          seed,
          maxTrainExamples: f.maxTrain,
          predictTest: false,
          progress: 'none',
          log: () => {},
        });
        const score = r.val.score ?? Number.NaN;
        await writeFileAtomic(
          out,
          `${JSON.stringify({ task, key, seed, score, majority: r.valMajority.score, steps: r.steps, bestStep: r.bestStep, trainExamples: r.trainExamples, valRecords: r.valRecords, seconds: (performance.now() - t0) / 1000, recipe, notes: r.notes }, null, 2)}\n`,
        );
        o.log(
          `finetune ${key} seed ${seed} ${task}: dev ${(100 * score).toFixed(1)} (majority ${(100 * (r.valMajority.score ?? Number.NaN)).toFixed(1)}), ${r.steps} steps, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
      }
    }
}
