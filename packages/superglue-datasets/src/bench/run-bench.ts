/**
 * `npm run bench`: records/s for loading (validated JSONL reading) and for formulating each task
 * with the bert-base-uncased tokenizer of the shared data. Data: `SUPERGLUE_DIR`, else
 * `SELFEVO_DATA/superglue`, else `<repo root>/../shared/data/superglue`. ReCoRD is timed on the
 * 32-record FewGLUE sample (the official ReCoRD files are not in the shared data).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitsOf, TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { Tokenizer } from '@selfevo/tokenizer';
import { splitPath } from '../data-dir.js';
import { formulate } from '../formulate.js';
import { loadSplit, readTaskFile } from '../load-split.js';
import type { TaskRecordMap } from '../types.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const sharedData = process.env.SELFEVO_DATA ?? resolve(repoRoot, '../shared/data');
const dataDir = process.env.SUPERGLUE_DIR ?? join(sharedData, 'superglue');
const minSeconds = Number(process.env.BENCH_MIN_SECONDS ?? 1);

function time<T>(fn: () => Promise<T> | T): Promise<{ result: T; seconds: number; runs: number }> {
  return (async () => {
    let runs = 0;
    let result: T;
    const start = performance.now();
    do {
      result = await fn();
      runs++;
    } while ((performance.now() - start) / 1000 < minSeconds);
    return { result, seconds: (performance.now() - start) / 1000 / runs, runs };
  })();
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  const tokenizer = await Tokenizer.fromFile(
    join(sharedData, 'vocab', 'bert-base-uncased', 'tokenizer.json'),
  );
  console.log(`data: ${dataDir}\nnode ${process.version}, min ${minSeconds}s per measurement\n`);
  console.log(
    '| file | records | MB | load records/s | load MB/s | formulate records/s | examples/s | examples |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const files: { task: TaskName; label: string; file: string; read: () => Promise<unknown[]> }[] = [];
  for (const task of TASKS) {
    if (task === 'ReCoRD') continue;
    for (const split of splitsOf(task)) {
      const file = splitPath(task, split, dataDir);
      if (!existsSync(file)) continue;
      files.push({
        task,
        label: `${task}/${split}`,
        file,
        read: async () => (await loadSplit(task, split, { dir: dataDir })).records,
      });
    }
  }
  const sample = join(dataDir, 'FewGLUE-sample', 'ReCoRD', 'train.jsonl');
  if (existsSync(sample)) {
    files.push({
      task: 'ReCoRD',
      label: 'ReCoRD (FewGLUE sample)',
      file: sample,
      read: async () => {
        const out = [];
        for await (const r of readTaskFile('ReCoRD', sample, { labelled: true })) out.push(r);
        return out;
      },
    });
  }
  for (const f of files) {
    const mb = statSync(f.file).size / 1e6;
    const load = await time(f.read);
    const records = load.result as TaskRecordMap[TaskName][];
    const form = await time(() => formulate(f.task, records, tokenizer));
    console.log(
      `| ${f.label} | ${records.length} | ${mb.toFixed(2)} | ${fmt(records.length / load.seconds)} | ${(mb / load.seconds).toFixed(1)} | ${fmt(records.length / form.seconds)} | ${fmt(form.result.length / form.seconds)} | ${form.result.length} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
