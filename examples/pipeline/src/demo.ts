#!/usr/bin/env node
// The end-to-end pipeline in one command (`npm run demo` at the repository root):
//   1. corpus text → WordPiece vocabulary → packed sequences → a tiny encoder pretrained with MLM
//      (examples/pipeline/src/pretrain.ts, on the default backend: wasm, no GPU needed);
//   2. that checkpoint fine-tuned on every SuperGLUE task whose train file exists, scored on val next
//      to the majority class, test predicted, submission zip written and validated
//      (examples/pipeline/src/finetune-superglue.ts).
// Sizes are small so that it finishes in minutes on 2 CPU cores; pass --full for the larger defaults
// of each script. Outputs go to --out (default runs/demo): report.md, report.json, submission.zip,
// loss curves (SVG/PNG) and logs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/demo' },
    backend: { type: 'string', default: 'auto' },
    'pretrain-steps': { type: 'string', default: '300' },
    full: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(
    'usage: demo [--out DIR] [--backend auto|wasm|cpu|node-gpu] [--pretrain-steps N] [--full]\n' +
      'Pretrains a tiny encoder on the corpus, fine-tunes it on SuperGLUE, writes report and submission.\n',
  );
  process.exit(0);
}
const out = resolve(values.out);
const progress = process.stdout.isTTY ? 'auto' : 'lines';

function run(title: string, script: string, args: string[]): void {
  process.stdout.write(`\n== ${title}\n$ node ${script} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [join(here, script), ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`demo: ${title} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}

const pretrainDir = join(out, 'pretrain');
run('1/2 pretrain a tiny encoder with masked-LM', 'pretrain.js', [
  '--out',
  pretrainDir,
  '--steps',
  values['pretrain-steps'],
  ...(values.full ? [] : ['--max-bytes', '2000000', '--vocab-bytes', '2000000', '--vocab-size', '8000']),
  '--backend',
  values.backend,
  '--progress',
  progress,
]);
const finalDir = join(pretrainDir, 'final');
if (!existsSync(join(finalDir, 'config.json'))) {
  process.stderr.write(`demo: pretraining wrote no model at ${finalDir}\n`);
  process.exit(1);
}
run('2/2 fine-tune on SuperGLUE, score, predict test, write the submission', 'finetune-superglue.js', [
  '--model',
  finalDir,
  '--tokenizer',
  join(pretrainDir, 'vocab.txt'),
  '--out',
  join(out, 'superglue'),
  ...(values.full ? [] : ['--quick']),
  '--backend',
  values.backend,
  '--progress',
  progress,
]);
process.stdout.write(
  `\nDone. Open ${join(out, 'superglue', 'report.md')} (val scores vs majority class) and ` +
    `${join(out, 'superglue', 'submission.zip')} (leaderboard submission).\n`,
);
