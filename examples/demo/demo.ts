// The Vega v2 recipe end to end, at small scale (`npm run demo` at the repository root):
//   base model → SE continued pretraining → fine-tune every selected task with training data →
//   PANDA prompt transfer to CB, COPA, RTE, WSC → the better of the two per task on val →
//   report.md (+ loss curves) and a validated submission.zip.
// Ctrl-C and the same command again resumes from the last finished stage (SE mid-stage too).
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { BertModel } from '@selfevo/encoder-model';
import { backboneFingerprint } from '@selfevo/prompt-transfer';
import type { ScoredTaskName } from '@selfevo/superglue-datasets';
import { loadEncoderSource } from '@selfevo/superglue-finetuning';
import { writeFileAtomic } from '@selfevo/utils/node';
import {
  type CommonOptions,
  int,
  log,
  Option,
  program,
  run,
  startBackend,
  UsageError,
} from '../shared/cli.js';
import { loadTokenizer } from '../shared/corpus.js';
import { baseModelDir, checkModelDir } from '../shared/paths.js';
import { PRESETS } from './presets.js';
import { formatReport } from './report.js';
import {
  type Ctx,
  finetuneStage,
  type PandaSummary,
  type PromptCtx,
  pandaTarget,
  seStage,
  sourcePromptsStage,
  submissionStage,
} from './stages.js';

interface Options extends CommonOptions {
  model: string;
  out: string;
  preset: 'tiny' | 'quick' | 'full';
  full: boolean;
  fresh: boolean;
  seed: number;
}

const cmd = program(
  'demo',
  'The Vega v2 recipe at small scale: SE, fine-tuning, PANDA, report and submission.',
)
  .option('--model <dir>', 'base model (HF layout, with its tokenizer files)', baseModelDir)
  .option('--out <dir>', 'output folder (report.md, submission.zip, every stage)', 'runs/demo')
  .addOption(
    new Option('--preset <name>', 'sizes: quick (~5 min on 2 cores), tiny (smoke test), full (hours)')
      .choices(['tiny', 'quick', 'full'])
      .default('quick'),
  )
  .option('--full', 'the same as --preset full: full recipes, a long CPU or GPU run', false)
  .option('--fresh', 'delete --out first instead of resuming', false)
  .option('--seed <n>', 'seed of everything', int(0), 42);

interface State {
  preset: string;
  model: string;
  seed: number;
  stages: Record<string, { seconds: number; result: unknown }>;
}

await run<Options>(cmd, async (o) => {
  const preset = PRESETS[o.full ? 'full' : o.preset];
  const modelDir = checkModelDir(o.model);
  const out = resolve(o.out);
  if (o.fresh) await rm(out, { recursive: true, force: true });
  const statePath = join(out, 'demo-state.json');
  const state: State = existsSync(statePath)
    ? JSON.parse(await readFile(statePath, 'utf8'))
    : { preset: preset.name, model: modelDir, seed: o.seed, stages: {} };
  if (state.preset !== preset.name || state.model !== modelDir || state.seed !== o.seed)
    throw new UsageError(
      `${out} holds a run with preset ${state.preset}, model ${state.model}, seed ${state.seed}: rerun with those, add --fresh, or choose another --out`,
    );
  const tokenizer = await loadTokenizer(modelDir);
  const choice = await startBackend(o.backend);
  const loadStart = loadavg();
  const ctx: Ctx = { out, preset, tokenizer, seed: o.seed, progress: o.progress, log };
  const ran: { name: string; seconds: number; resumed: boolean }[] = [];
  process.on('SIGINT', () => {
    process.stderr.write(`\ndemo: interrupted; run the same command again to resume (${statePath})\n`);
    process.exit(130);
  });

  async function stage<T>(key: string, title: string, work: () => Promise<T>): Promise<T> {
    const done = state.stages[key];
    if (done) {
      log(`[demo] ${title}: done in an earlier run (${done.seconds.toFixed(0)} s)`);
      ran.push({ name: title, seconds: done.seconds, resumed: true });
      return done.result as T;
    }
    log(`\n[demo] ${title} …`);
    const t0 = performance.now();
    const result = await work();
    const seconds = (performance.now() - t0) / 1000;
    state.stages[key] = { seconds, result };
    await writeFileAtomic(statePath, JSON.stringify(state, null, 1));
    log(`[demo] ${title}: ${seconds.toFixed(0)} s`);
    ran.push({ name: title, seconds, resumed: false });
    return result;
  }

  const se = await stage('se', '1. SE continued pretraining', () => seStage(ctx, modelDir));
  const source = await loadEncoderSource(se.finalDir);
  const ft = await stage('finetune', '2. fine-tuning', () => finetuneStage(ctx, source, choice.backend));
  const ftScore = (t: ScoredTaskName) => ft.tasks.find((x) => x.task === t)?.val ?? null;
  const targets = preset.targets.filter((t) => ftScore(t) !== null);

  const { model: encoder } = await BertModel.fromPretrained(se.finalDir, {
    strict: false,
    onProgress: false,
  });
  const pctx: PromptCtx = { ...ctx, source, encoder, backbone: await backboneFingerprint(encoder, 'se') };
  await stage('prompts', '3. source prompts (SPoT library)', () => sourcePromptsStage(pctx));
  const panda: PandaSummary[] = [];
  for (const t of targets)
    panda.push(await stage(`panda-${t}`, `4. PANDA → ${t}`, () => pandaTarget(pctx, t, ftScore(t))));
  encoder.dispose();

  const chosen: Partial<Record<ScoredTaskName, 'fine-tuning' | 'PANDA'>> = {};
  for (const t of ft.tasks) if (t.val !== null) chosen[t.task] = 'fine-tuning';
  const wins = panda.filter((p) => p.testPredictions !== null);
  for (const p of wins) chosen[p.task] = 'PANDA';
  const submission = await stage('submission', '5. submission', () =>
    submissionStage(
      ctx,
      wins.map((p) => ({ task: p.task, predictions: p.testPredictions! })),
    ),
  );
  const report = join(out, 'report.md');
  await writeFileAtomic(
    report,
    formatReport({
      out,
      preset,
      model: modelDir,
      backend: choice.backend,
      machine: { cores: cpus().length, loadStart, loadEnd: loadavg() },
      stages: ran,
      se,
      finetune: ft.tasks,
      panda,
      chosen,
      submission,
    }),
  );
  for (const t of ft.tasks) {
    const p = panda.find((x) => x.task === t.task);
    const f = (x: number | null) => (x === null ? '   —' : (100 * x).toFixed(1).padStart(5));
    process.stdout.write(
      `${t.task.padEnd(8)} majority ${f(t.majority)}  fine-tuning ${f(t.val)}${p ? `  PANDA ${f(p.student)} (from ${p.source})` : ''}  → ${chosen[t.task] ?? 'majority class'}\n`,
    );
  }
  process.stdout.write(
    `report: ${report}\nsubmission: ${submission.zip} — ${submission.valid ? 'valid' : 'INVALID'}${submission.missing.length ? ` (no test data for ${submission.missing.join(', ')})` : ''}\n`,
  );
  if (!submission.valid)
    throw new Error(`the submission did not validate: ${submission.problems.join('; ')}`);
});
