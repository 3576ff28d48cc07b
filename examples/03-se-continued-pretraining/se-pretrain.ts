// Self-evolution (SE) continued pretraining of an existing encoder (methods §1):
//   stage 1: the model, in eval mode, scores every token of the unmasked rows; a token is
//            informative iff its NLL > τ = 0.1 (the released rule) → a selection file;
//   stage 2: continued MLM that masks exactly those tokens (random 15 % when a row has < 2), with
//            rectified smooth labels: target (1 − α)·onehot + α·p_model(original input), α = 0.1.
// Held-out MLM loss before and after (at [MASK] positions only, methods §1.6). Resumable.
// The steps themselves are in ../shared/se.ts (the demo runs the same function).
import { resolve } from 'node:path';
import { type CommonOptions, int, listOption, log, num, program, run, startBackend } from '../shared/cli.js';
import { loadTokenizer } from '../shared/corpus.js';
import { baseModelDir, checkModelDir } from '../shared/paths.js';
import { seContinuedPretraining } from '../shared/se.js';

interface Options extends CommonOptions {
  model: string;
  files: string[];
  maxSequences: number;
  tau: number;
  alpha: number;
  steps: number;
  batchSize: number;
  lr: number;
  seed: number;
  out: string;
}

const cmd = program(
  'se-pretrain',
  'SE continued pretraining: stage 1 (NLL > τ selection) + stage 2 (rectified smooth labels).',
)
  .option('--model <dir>', 'starting encoder (HF layout, with its tokenizer files)', baseModelDir)
  .addOption(
    listOption('--files <list>', 'corpus files: names in <data>/corpus, or paths', [
      'gutenberg.train.03.txt',
    ]),
  )
  .option('--max-sequences <n>', 'rows of 128 tokens to score and train on', int(1), 512)
  .option('--tau <x>', 'stage 1: a token is informative iff its NLL > tau', num(0), 0.1)
  .option(
    '--alpha <x>',
    'stage 2: weight of the model reference in the rectified smooth labels',
    num(0, 1),
    0.1,
  )
  .option('--steps <n>', 'stage 2 training steps', int(1), 60)
  .option('--batch-size <n>', 'rows per step', int(1), 16)
  .option('--lr <x>', 'peak learning rate (continued training: small)', num(0, 1), 1e-4)
  .option('--seed <n>', 'seed of data order, fallback masks and dropout', int(0), 1)
  .option('--out <dir>', 'output folder (selection, checkpoints, final/)', 'runs/se');

await run<Options>(cmd, async (o) => {
  const modelDir = checkModelDir(o.model);
  const tokenizer = await loadTokenizer(modelDir);
  await startBackend(o.backend);
  const r = await seContinuedPretraining({
    ...o,
    modelDir,
    tokenizer,
    rows: o.maxSequences,
    heldOutRows: 32,
    outDir: resolve(o.out),
    log,
  });
  const pct = (x: number) => (100 * x).toFixed(1);
  process.stdout.write(
    `stage 1: ${pct(r.selectedShare)} % of ${r.rows} rows' tokens have NLL > ${o.tau}\n` +
      `held-out loss at [MASK]: ${r.before.loss.toFixed(3)} → ${r.after.loss.toFixed(3)} ` +
      `(accuracy ${pct(r.before.accuracy)} → ${pct(r.after.accuracy)} %), ` +
      `${r.maskedTokens} masked tokens trained, ${r.fallbackRows} fallback rows\nmodel: ${r.finalDir}\ncurves: ${r.plot}\n`,
  );
});
