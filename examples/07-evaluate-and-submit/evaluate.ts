// Score val predictions and write a leaderboard submission with @selfevo/superglue-eval:
//   - val predictions (one <Task>.jsonl per task, submission format) scored against the val files:
//     each task's metrics and the leaderboard average;
//   - test predictions written as the ten submission files + zip, then validated against the test files.
// With --run DIR (the output of 05-finetune-all or the demo) it scores that run's val predictions and
// validates its submission.zip; without, it does both for the majority-class baseline.

import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TASKS, type TaskName } from '@selfevo/superglue-datasets';
import { majorityBaseline, submissionFileName } from '@selfevo/superglue-eval';
import {
  formatValidationReport,
  readGoldFile,
  referenceFilePath,
  scoreFolder,
  validateSubmission,
  writeSubmission,
} from '@selfevo/superglue-eval/node';
import { type CommonOptions, existing, program, run } from '../shared/cli.js';
import { superglueDir } from '../shared/paths.js';

interface Options extends CommonOptions {
  run?: string;
  out: string;
}

const cmd = program('evaluate', 'Score val predictions and write/validate a SuperGLUE submission zip.')
  .option(
    '--run <dir>',
    'a run folder of 05-finetune-all or the demo (<TASK>/val-predictions.jsonl, submission.zip)',
    existing('folder'),
  )
  .option('--out <dir>', 'output folder (val/, submission/, submission.zip)', 'runs/evaluate');

const gold = async (task: TaskName, split: 'train' | 'val' | 'test') => {
  const file = referenceFilePath(superglueDir, task, split);
  return existsSync(file) ? readGoldFile(task, file, { requireLabels: split !== 'test' }) : null;
};

await run<Options>(
  cmd,
  async (o) => {
    const out = resolve(o.out);
    const valDir = join(out, 'val');
    await mkdir(valDir, { recursive: true });
    let zip: string;
    if (o.run) {
      for (const task of TASKS) {
        const f = join(o.run, task, 'val-predictions.jsonl');
        if (existsSync(f)) await copyFile(f, join(valDir, submissionFileName(task)));
      }
      zip = join(o.run, 'submission.zip');
    } else {
      // The majority class of the train labels (val labels where there is no train file).
      const val: Partial<Record<TaskName, Map<string, unknown>>> = {};
      const test: Partial<Record<TaskName, Map<string, unknown>>> = {};
      for (const task of TASKS) {
        const source = task === 'AX-b' || task === 'AX-g' ? 'RTE' : task;
        const labels = (await gold(source, 'train')) ?? (await gold(source, 'val'));
        const [v, t] = [await gold(task, 'val'), await gold(task, 'test')];
        if (v && labels && task !== 'AX-b' && task !== 'AX-g') val[task] = majorityBaseline(task, v, labels);
        if (t && labels) test[task] = majorityBaseline(task, t, task === 'ReCoRD' ? t : labels);
      }
      await writeSubmission(valDir, val);
      zip = join(out, 'submission.zip');
      await writeSubmission(join(out, 'submission'), test, { zipPath: zip });
    }
    const scores = await scoreFolder(valDir, superglueDir, 'val');
    for (const t of scores.tasks)
      if (t.result?.score != null)
        process.stdout.write(
          `${t.task.padEnd(8)} ${(100 * t.result.score).toFixed(1).padStart(5)}  ${Object.entries(
            t.result.metrics,
          )
            .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}`)
            .join(', ')}\n`,
        );
    const lb = scores.leaderboard;
    process.stdout.write(
      `average of ${8 - lb.missingTasks.length} tasks: ${((lb.partialScore ?? 0) * 100).toFixed(1)}` +
        `${lb.missingTasks.length ? ` (no val predictions: ${lb.missingTasks.join(', ')})` : ''}\n`,
    );
    const v = await validateSubmission(zip, superglueDir);
    process.stdout.write(`${formatValidationReport(v).split('\n')[0]}\n`);
    const missingOnly = v.problems.every(
      (p) => p.severity !== 'error' || p.message.startsWith('missing file'),
    );
    if (!missingOnly) throw new Error(`${zip} does not validate:\n${formatValidationReport(v)}`);
  },
  { backend: false },
);
