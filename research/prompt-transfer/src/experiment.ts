// The prompt-transfer experiment (issue 16): targets CB, COPA, RTE, WSC; sources the other
// SuperGLUE tasks with train data; methods prompt tuning from scratch, SPoT init (top-1, top-k mix,
// best of top-k), PANDA and full fine-tuning; ≥ 3 seeds. Resumable: a run with a result.json is
// reused. Writes results.json, table.md and plots into --out.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BackendName, useBackend } from '@selfevo/backend';
import { spotInit } from '@selfevo/prompt-transfer';
import { loadEncoderSource } from '@selfevo/superglue-finetuning';
import { Tokenizer } from '@selfevo/tokenizer';
import { writeFileAtomic } from '@selfevo/utils/node';
import { type ControlledData, controlledTasks } from './controlled-tasks.js';
import { type ExperimentOptions, parseOptions, runSettings, SOURCE_POOL, USAGE } from './options.js';
import { type SimilarityRecord, writeReport } from './report.js';
import { loadTaskPrompts, similarities, type TaskPrompts } from './similarity.js';
import { type RunContext, type RunResult, runFinetune, runPrompt, saveResult } from './task-runs.js';
import { superglueTask, type TaskSource } from './task-source.js';

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

const sourcesFor = (o: ExperimentOptions, target: string) => o.sources.filter((s) => s !== target);

function countRuns(o: ExperimentOptions, tasks: readonly string[]): number {
  const perTarget = (t: string) => sourcesFor(o, t).length + 2 + (o.finetune ? 1 : 0);
  return o.seeds.length * (tasks.length + o.targets.reduce((a, t) => a + perTarget(t), 0));
}

async function checkSettings(o: ExperimentOptions): Promise<void> {
  const file = join(o.out, 'settings.json');
  const now = runSettings(o);
  if (existsSync(file)) {
    const before = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const differ = Object.keys({ ...before, ...now }).filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(now[k]),
    );
    if (differ.length > 0)
      throw new Error(
        `${o.out} holds runs made with other settings (${differ.join(', ')}); use another --out or remove it`,
      );
  } else await writeFileAtomic(file, `${JSON.stringify(now, null, 2)}\n`);
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const o = parsed;
  const t0 = performance.now();
  const backend = await useBackend(o.backend as BackendName);
  log(`backend ${backend.backend} (${backend.reason})`);
  const tokenizer = await Tokenizer.fromPretrained(o.model);
  const ctx: RunContext = {
    o,
    encoder: await loadEncoderSource(o.model),
    tokenizer,
    tasks: new Map<string, TaskSource>(),
    log,
  };
  // inputs (and an input-level prompt, which takes positions too) must fit the position table
  const positions =
    ctx.encoder.config.maxPositionEmbeddings - (o.promptMode === 'prompt' ? o.promptLength : 0);
  if (o.maxLength > positions) {
    log(
      `--max-length ${o.maxLength} → ${positions}: the encoder has ${ctx.encoder.config.maxPositionEmbeddings} positions`,
    );
    o.maxLength = positions;
  }
  await mkdir(o.out, { recursive: true });
  await checkSettings(o);
  let controlled: ControlledData | undefined;
  if (o.controlled) {
    controlled = await controlledTasks(tokenizer, {
      corpus: o.corpus,
      maxLength: o.maxLength,
      targetTrain: o.fewShot,
      sourceTrain: o.maxTrain,
      val: o.maxVal,
      targetEpochs: o.epochs,
      sourceEpochs: o.sourceEpochs,
    });
    for (const name of [...o.targets, ...o.sources]) ctx.tasks.set(name, controlled.tasks.get(name)!);
    log(`controlled tasks from ${o.corpus}: relatedness ${JSON.stringify(controlled.relatedness)}`);
  } else
    for (const t of SOURCE_POOL)
      if (o.targets.includes(t) || o.sources.includes(t)) ctx.tasks.set(t, superglueTask(t, o, tokenizer));
  const tasks = [...ctx.tasks.keys()];
  const total = countRuns(o, tasks);
  let done = 0;
  let fresh = 0;
  let freshMs = 0;
  const runs: RunResult[] = [];
  const sims: SimilarityRecord[] = [];
  const step = async (dir: string, label: string, fn: () => Promise<RunResult>): Promise<RunResult> => {
    const file = join(dir, 'result.json');
    let r: RunResult;
    if (existsSync(file)) {
      r = JSON.parse(await readFile(file, 'utf8')) as RunResult;
      done += 1;
      log(`[${done}/${total}] ${label}: done before, val ${(100 * r.score).toFixed(1)}`);
    } else {
      r = await fn();
      await saveResult(dir, r);
      done += 1;
      fresh += 1;
      freshMs += r.wallMs;
      const eta = ((total - done) * freshMs) / fresh / 60_000;
      log(
        `[${done}/${total}] ${label}: val ${(100 * r.score).toFixed(1)} (${(r.wallMs / 1000).toFixed(0)} s; ~${eta.toFixed(0)} min left)`,
      );
    }
    runs.push(r);
    return r;
  };
  const meta = () => ({
    ...(controlled ? { controlled: { relatedness: controlled.relatedness, ...controlled.summary } } : {}),
    backend: backend.backend,
    model: o.model,
    generatedAt: new Date().toISOString(),
    wallMs: performance.now() - t0,
  });
  for (const seed of o.seeds) {
    const sd = join(o.out, 'runs', `seed-${seed}`);
    // 1. prompt tuning from scratch on every task: the baseline, the source prompts, the task embeddings
    const prompts = new Map<string, TaskPrompts>();
    for (const task of tasks) {
      const dir = join(sd, 'scratch', task);
      const r = await step(dir, `seed ${seed} scratch ${task}`, () =>
        runPrompt(ctx, { task, seed, method: 'scratch', dir, recordEmbedding: true }),
      );
      prompts.set(task, await loadTaskPrompts(ctx, r));
    }
    for (const target of o.targets) {
      // 2. SPoT: rank the sources by task-embedding similarity; transfer from every source
      const ranked = await similarities(ctx, target, seed, prompts, sourcesFor(o, target));
      for (const [i, s] of ranked.entries()) sims.push({ ...s, seed, target, rank: i + 1 });
      log(
        `seed ${seed} ${target}: sources by similarity ${ranked.map((s) => `${s.source} ${s.cosineOfAverage.toFixed(3)}`).join(', ')}`,
      );
      const transfer = new Map<string, RunResult>();
      for (const s of ranked) {
        const dir = join(sd, 'transfer', target, s.source);
        transfer.set(
          s.source,
          await step(dir, `seed ${seed} transfer ${s.source}→${target}`, () =>
            runPrompt(ctx, {
              task: target,
              seed,
              method: 'transfer',
              source: s.source,
              dir,
              init: prompts.get(s.source)!.prompt,
              similarity: s.cosineOfAverage,
            }),
          ),
        );
      }
      // 3. SPoT init from the similarity-weighted mix of the top k (those with a positive similarity)
      const k = Math.max(1, ranked.slice(0, o.topK).filter((s) => s.cosineOfAverage > 0).length);
      const library = ranked.map((s) => ({
        name: s.source,
        prompt: prompts.get(s.source)!.prompt,
        embedding: prompts.get(s.source)!.embedding,
      }));
      const mix =
        ranked[0]!.cosineOfAverage > 0
          ? spotInit(prompts.get(target)!.embedding, library, { topK: k })
          : { prompt: library[0]!.prompt, weights: [{ name: library[0]!.name, similarity: 0, weight: 1 }] };
      const mixDir = join(sd, 'spot-mix', target);
      await step(mixDir, `seed ${seed} spot-mix (top ${k})→${target}`, async () => ({
        ...(await runPrompt(ctx, { task: target, seed, method: 'spot-mix', dir: mixDir, init: mix.prompt })),
        extra: { weights: mix.weights },
      }));
      // 4. PANDA: a fresh prompt distilled from the teacher (the top-1 source prompt tuned on the target)
      const top = ranked[0]!;
      const pandaDir = join(sd, 'panda', target);
      await step(pandaDir, `seed ${seed} panda (teacher ${top.source}→${target})`, () =>
        runPrompt(ctx, {
          task: target,
          seed,
          method: 'panda',
          source: top.source,
          dir: pandaDir,
          similarity: top.activation, // PANDA sets λ from its own (activation) transferability
          panda: {
            teacherDir: transfer.get(top.source)!.promptDir!,
            teacherMode: o.teacherMode,
            kd: {
              kd: o.pandaKd,
              ...(o.pandaTemperature !== undefined ? { temperature: o.pandaTemperature } : {}),
              ...(o.pandaLambda !== undefined ? { lambda: o.pandaLambda } : {}),
              ...(o.pandaC !== undefined ? { c: o.pandaC, similarity: top.activation } : {}),
            },
          },
        }),
      );
      // 5. full fine-tuning, the reference
      if (o.finetune) {
        const dir = join(sd, 'finetune', target);
        await step(dir, `seed ${seed} finetune ${target}`, () =>
          runFinetune(ctx, target as (typeof SOURCE_POOL)[number], seed, dir),
        );
      }
    }
    await writeReport(o, runs, sims, meta());
    log(`seed ${seed} finished: ${join(o.out, 'table.md')}`);
  }
  log(
    `all ${total} runs in ${((performance.now() - t0) / 60_000).toFixed(1)} min: ${join(o.out, 'table.md')}`,
  );
}

main().catch((e) => {
  // option and settings errors in one line; anything else with its stack
  const plain = e instanceof Error && /^(--|\/|\S+ holds runs)/.test(e.message);
  process.stderr.write(`${e instanceof Error ? (plain ? e.message : (e.stack ?? e.message)) : String(e)}\n`);
  process.exitCode = 1;
});
