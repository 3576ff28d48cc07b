// Fine-tune the encoder on every SuperGLUE task that has training data, score val next to the
// majority class, predict every test file (AX-b and AX-g with the RTE model), and write
// <out>/report.md, report.json, submission/ and a validated submission.zip.
import { join, resolve } from 'node:path';
import { SCORED_TASKS, type ScoredTaskName } from '@selfevo/superglue-datasets';
import { loadEncoderSource, runSuperGlue } from '@selfevo/superglue-finetuning';
import { type CommonOptions, int, listOption, num, program, run, startBackend } from '../shared/cli.js';
import { loadTokenizer } from '../shared/corpus.js';
import { baseModelDir, checkModelDir, superglueDir } from '../shared/paths.js';

interface Options extends CommonOptions {
  model: string;
  tasks: ScoredTaskName[];
  epochs?: number;
  maxTrainExamples?: number;
  maxEvalRecords?: number;
  quick: boolean;
  seed: number;
  out: string;
}

const pct = (x: number | null | undefined) => (x == null ? '   —' : (100 * x).toFixed(1).padStart(5));

const cmd = program(
  'finetune-all',
  'Fine-tune every SuperGLUE task with training data; report and submission zip.',
)
  .option('--model <dir>', 'encoder to start from (HF layout, with its tokenizer files)', baseModelDir)
  .addOption(
    listOption(
      '--tasks <list>',
      'tasks to fine-tune (the others get the majority class)',
      SCORED_TASKS,
      SCORED_TASKS,
    ),
  )
  .option('--epochs <n>', "epochs for every task (default: each task's recipe)", num(0.01, 100))
  .option('--max-train-examples <n>', 'cap on training inputs per task (seeded sample)', int(1))
  .option('--max-eval-records <n>', 'cap on val records per task (seeded sample)', int(1))
  .option(
    '--quick',
    'one epoch, inputs <= 128 tokens, 256 training inputs and 200 val records per task',
    false,
  )
  .option('--seed <n>', 'seed of heads, dropout, data order and samples', int(0), 42)
  .option('--out <dir>', 'output folder', 'runs/superglue');

await run<Options>(cmd, async (o) => {
  const modelDir = checkModelDir(o.model);
  const tokenizer = await loadTokenizer(modelDir);
  const choice = await startBackend(o.backend);
  const out = resolve(o.out);
  const report = await runSuperGlue({
    dataDir: superglueDir,
    outDir: out,
    encoder: await loadEncoderSource(modelDir),
    tokenizer,
    tasks: o.tasks as ScoredTaskName[],
    overrides: { epochs: o.epochs },
    quick: o.quick,
    seed: o.seed,
    maxTrainExamples: o.maxTrainExamples ?? (o.quick ? 256 : undefined),
    maxEvalRecords: o.maxEvalRecords ?? (o.quick ? 200 : undefined),
    progress: o.progress,
    runInfo: { backend: choice.backend, model: modelDir },
  });
  for (const t of report.tasks)
    process.stdout.write(
      `${t.task.padEnd(8)} ${t.status.padEnd(12)} val ${pct(t.val?.score)}  majority ${pct(t.valMajority?.score)}\n`,
    );
  const s = report.submission;
  process.stdout.write(
    `report: ${join(out, 'report.md')}\nsubmission: ${s.zip} — ${s.valid ? 'valid' : s.validExceptMissingTestFiles ? `valid except ${s.missingTestFiles.join(', ')} (no test file)` : 'INVALID'}\n`,
  );
  if (!s.validExceptMissingTestFiles)
    throw new Error(`the submission did not validate (see ${join(out, 'report.md')})`);
});
