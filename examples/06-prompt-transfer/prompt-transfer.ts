// Prompt tuning, SPoT and PANDA on a low-resource SuperGLUE task (methods §2), on one frozen encoder:
//   1. prompt tuning on the source task (its prompt after a few steps = its SPoT task embedding);
//   2. prompt tuning on the target from a random prompt (the baseline);
//   3. SPoT / vanilla prompt transfer: the target's prompt starts from the source prompt;
//   4. PANDA: a fresh prompt trained with CE + λ·KD(student, teacher = run 3), λ = c·similarity or
//      the released constant 0.01.
// Prints the val score of each next to the majority class and full fine-tuning's reference.
import { join, resolve } from 'node:path';
import { promptSimilarity } from '@selfevo/prompt-transfer';
import { SCORED_TASKS, type ScoredTaskName } from '@selfevo/superglue-datasets';
import { computeTaskMetrics, majorityBaseline } from '@selfevo/superglue-eval';
import { createTaskModel, loadEncoderSource } from '@selfevo/superglue-finetuning';
import {
  type CommonOptions,
  int,
  log,
  num,
  Option,
  program,
  run,
  since,
  startBackend,
  UsageError,
} from '../shared/cli.js';
import { loadTokenizer } from '../shared/corpus.js';
import { baseModelDir, checkModelDir, superglueDir } from '../shared/paths.js';
import { loadTaskData, promptTune } from '../shared/prompt-transfer.js';

interface Options extends CommonOptions {
  target: ScoredTaskName;
  source: ScoredTaskName;
  model: string;
  length: number;
  steps: number;
  batchSize: number;
  lr: number;
  maxTrain: number;
  maxVal: number;
  lambdaC?: number;
  seed: number;
  out: string;
}

const TRAINABLE = SCORED_TASKS.filter((t) => t !== 'BoolQ' && t !== 'ReCoRD'); // the data here has no train file for these
const pct = (x: number | null | undefined) => (x == null ? '—' : (100 * x).toFixed(1));

const cmd = program(
  'prompt-transfer',
  'Prompt tuning vs SPoT vs PANDA on a low-resource SuperGLUE task (frozen encoder).',
)
  .addOption(new Option('--target <task>', 'low-resource target task').choices(TRAINABLE).default('CB'))
  .addOption(new Option('--source <task>', 'source task').choices(TRAINABLE).default('RTE'))
  .option('--model <dir>', 'frozen encoder (HF layout, with its tokenizer files)', baseModelDir)
  .option('--length <n>', 'prompt length (virtual tokens)', int(1, 256), 20)
  .option('--steps <n>', 'training steps of each run', int(2), 40)
  .option('--batch-size <n>', 'inputs per step', int(1), 16)
  .option('--lr <x>', 'prompt learning rate (head: 1e-3)', num(0, 10), 1e-2)
  .option('--max-train <n>', 'training inputs per task (seeded sample)', int(1), 512)
  .option('--max-val <n>', 'val records scored', int(1), 200)
  .option('--lambda-c <x>', 'PANDA λ = c · similarity (default: the released constant λ = 0.01)', num(0))
  .option('--seed <n>', 'seed', int(0), 1)
  .option('--out <dir>', 'output folder (one log per run)', 'runs/prompt-transfer');

await run<Options>(cmd, async (o) => {
  if (o.source === o.target) throw new UsageError('--source and --target must differ');
  const modelDir = checkModelDir(o.model);
  const tokenizer = await loadTokenizer(modelDir);
  await startBackend(o.backend);
  const source = await loadEncoderSource(modelDir);
  const base = createTaskModel(o.target, source, o.seed).model; // loads the weights once; shared, frozen
  const load = (task: ScoredTaskName) =>
    loadTaskData(task, superglueDir, tokenizer, {
      maxLength: 128,
      maxTrain: o.maxTrain,
      maxVal: o.maxVal,
      seed: o.seed,
    });
  const [src, tgt] = [await load(o.source), await load(o.target)];
  const common = {
    source,
    encoder: base.encoder,
    tokenizer,
    length: o.length,
    steps: o.steps,
    batchSize: o.batchSize,
    promptLr: o.lr,
    progress: o.progress,
  };
  const k = Math.max(1, Math.floor(o.steps / 4)); // SPoT task embedding: the prompt after k steps
  const out = resolve(o.out);
  const rows: [string, number | null | undefined, string][] = [];
  let t0 = performance.now();

  const s = await promptTune({
    ...common,
    data: src,
    seed: o.seed + 1,
    embeddingAt: k,
    outDir: join(out, `source-${o.source}`),
  });
  log(`1/4 source prompt on ${o.source}: val ${pct(s.val?.score)} (${since(t0)})`);
  t0 = performance.now();
  const scratch = await promptTune({
    ...common,
    data: tgt,
    seed: o.seed + 2,
    embeddingAt: k,
    outDir: join(out, 'prompt-tuning'),
  });
  rows.push(['prompt tuning (random init)', scratch.val?.score, since(t0)]);
  const sim = promptSimilarity(scratch.embedding!, s.embedding!);
  log(
    `2/4 prompt tuning on ${o.target}: val ${pct(scratch.val?.score)}; SPoT similarity to ${o.source} ${sim.toFixed(3)}`,
  );
  t0 = performance.now();
  const spot = await promptTune({
    ...common,
    data: tgt,
    seed: o.seed + 3,
    init: s.prompt.toData(),
    outDir: join(out, 'spot'),
  });
  rows.push([`SPoT: init from the ${o.source} prompt`, spot.val?.score, since(t0)]);
  log(`3/4 SPoT transfer: val ${pct(spot.val?.score)}`);
  t0 = performance.now();
  const panda = await promptTune({
    ...common,
    data: tgt,
    seed: o.seed + 4,
    teacher: {
      model: spot.model,
      prompt: spot.prompt,
      options: o.lambdaC === undefined ? {} : { similarity: sim, c: o.lambdaC },
    },
    outDir: join(out, 'panda'),
  });
  rows.push([
    `PANDA: KD from the SPoT prompt (λ = ${panda.lambda?.toPrecision(2)})`,
    panda.val?.score,
    since(t0),
  ]);
  log(`4/4 PANDA: val ${pct(panda.val?.score)}`);
  const majority = computeTaskMetrics(
    o.target,
    tgt.val.gold,
    majorityBaseline(o.target, tgt.val.gold, tgt.trainGold),
  );
  rows.push(['majority class', majority.score, '']);
  process.stdout.write(
    `${o.target} val (${tgt.val.gold.kind === 'single' ? tgt.val.gold.examples.length : ''} records), source ${o.source}:\n`,
  );
  for (const [name, score, time] of rows)
    process.stdout.write(`  ${name.padEnd(52)} ${pct(score).padStart(5)}  ${time}\n`);
  base.dispose();
});
