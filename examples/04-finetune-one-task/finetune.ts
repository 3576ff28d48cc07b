// Fine-tune the base encoder on one SuperGLUE task with the package's recipe for it (AdamW, linear
// warmup/decay, val every epoch, best epoch kept), then score val next to the majority class and
// predict the test file. Writes <out>/log.jsonl, training-curves.svg/png and val-predictions.jsonl.
import { resolve } from 'node:path';
import { SCORED_TASKS, type ScoredTaskName } from '@selfevo/superglue-datasets';
import { finetuneTask, loadEncoderSource, resolveRecipe } from '@selfevo/superglue-finetuning';
import { type CommonOptions, int, num, Option, program, run, startBackend } from '../shared/cli.js';
import { loadTokenizer } from '../shared/corpus.js';
import { baseModelDir, checkModelDir, superglueDir } from '../shared/paths.js';

interface Options extends CommonOptions {
  task: ScoredTaskName;
  model: string;
  epochs?: number;
  lr?: number;
  maxLength?: number;
  maxTrainExamples?: number;
  maxEvalRecords?: number;
  quick: boolean;
  seed: number;
  out: string;
}

const pct = (x: number | null | undefined) => (x == null ? '—' : (100 * x).toFixed(1));

const cmd = program(
  'finetune',
  'Fine-tune the encoder on one SuperGLUE task; val score vs the majority class.',
)
  .addOption(new Option('--task <name>', 'SuperGLUE task').choices(SCORED_TASKS).default('CB'))
  .option('--model <dir>', 'encoder to start from (HF layout, with its tokenizer files)', baseModelDir)
  .option('--epochs <n>', "passes over the training set (default: the task's recipe)", num(0.01, 100))
  .option('--lr <x>', "peak learning rate (default: the task's recipe)", num(0, 1))
  .option('--max-length <n>', "longest input in tokens (default: the task's recipe)", int(8, 512))
  .option('--max-train-examples <n>', 'train on a seeded sample of this many inputs', int(1))
  .option('--max-eval-records <n>', 'score a seeded sample of this many val records', int(1))
  .option('--quick', 'one epoch, inputs <= 128 tokens', false)
  .option('--seed <n>', 'seed of the head, dropout, data order and samples', int(0), 42)
  .option('--out <dir>', 'output folder', 'runs/finetune');

await run<Options>(cmd, async (o) => {
  const modelDir = checkModelDir(o.model);
  const recipe = resolveRecipe(
    o.task,
    { epochs: o.epochs, learningRate: o.lr, maxLength: o.maxLength },
    o.quick,
  );
  const tokenizer = await loadTokenizer(modelDir);
  await startBackend(o.backend);
  const encoder = await loadEncoderSource(modelDir);
  const r = await finetuneTask({
    task: o.task,
    dataDir: superglueDir,
    outDir: resolve(o.out),
    encoder,
    tokenizer,
    recipe: { ...recipe, maxLength: Math.min(recipe.maxLength, encoder.config.maxPositionEmbeddings) },
    seed: o.seed,
    maxTrainExamples: o.maxTrainExamples,
    maxEvalRecords: o.maxEvalRecords,
    progress: o.progress,
  });
  process.stdout.write(
    `${o.task}: val ${pct(r.val.score)} (majority class ${pct(r.valMajority.score)}) after ${r.steps} steps, ` +
      `${(r.timing.totalMs / 1000).toFixed(1)} s; ${r.testPredictions?.size ?? 0} test predictions\n` +
      `${Object.entries(r.val.metrics)
        .map(([k, v]) => `  ${k} ${pct(v as number)}`)
        .join('\n')}\ncurves: ${r.plot}\n`,
  );
});
