import type { DiagnosticTaskName, ScoredTaskName, TaskName } from '@selfevo/superglue-datasets';
import type { TaskMetricsResult } from '@selfevo/superglue-eval';
import type { TaskRecipe } from './task-recipes.js';

/** One scored task in the report. */
export interface TaskReport {
  task: ScoredTaskName;
  /** `trained`; `skipped` (selected but no train/val file); `failed` (error in the notes); `not selected`. */
  status: 'trained' | 'skipped' | 'failed' | 'not selected';
  recipe: TaskRecipe;
  /** Val metrics of the fine-tuned model (null when not trained). */
  val: TaskMetricsResult | null;
  /** Val metrics of the majority-class prediction (null without a val file). */
  valMajority: TaskMetricsResult | null;
  /** Where the majority label came from. */
  majoritySource: string | null;
  trainRecords?: number;
  trainExamples?: number;
  trainExamplesAvailable?: number;
  truncatedTrain?: number;
  valRecords?: number;
  steps?: number;
  bestStep?: number | null;
  timing?: { totalMs: number; trainMs: number; evalMs: number; predictMs: number };
  speed?: { trainTokens: number; trainTokensPerSecond: number; predictTokensPerSecond: number };
  logPath?: string | null;
  plot?: string | null;
  notes: string[];
}

export interface SuperGlueReport {
  createdAt: string;
  dataDir: string;
  encoder: string;
  seed: number;
  quick: boolean;
  maxTrainExamples: number | null;
  maxEvalRecords: number | null;
  runInfo: Record<string, string | number | boolean | null>;
  wallMs: number;
  tasks: TaskReport[];
  /** AX-b / AX-g scored with the RTE model (their official files carry labels). */
  diagnostics: { task: DiagnosticTaskName; metrics: TaskMetricsResult | null }[];
  submission: {
    dir: string;
    zip: string;
    /** What the validator says about the whole submission (all ten files). */
    valid: boolean;
    /** True when the only errors are the files of `missingTestFiles` (tasks without a test file). */
    validExceptMissingTestFiles: boolean;
    missingTestFiles: TaskName[];
    files: {
      task: TaskName;
      file: string;
      status: string;
      predictions: number;
      expected: number | null;
      source: string;
    }[];
    problems: string[];
  };
  warnings: string[];
}

const METRIC_NAMES: Record<string, string> = {
  accuracy: 'Acc',
  f1Macro: 'F1',
  f1a: 'F1a',
  em: 'EM',
  f1: 'F1',
  mcc: 'MCC',
  genderParity: 'Parity',
};

const pct = (v: number) => (100 * v).toFixed(1);

function metricText(r: TaskMetricsResult | null): string {
  if (!r) return '—';
  return Object.entries(r.metrics)
    .map(([k, v]) => `${METRIC_NAMES[k] ?? k} ${pct(v)}`)
    .join(' / ');
}

function scoreText(r: TaskMetricsResult | null): string {
  return r?.score === null || r?.score === undefined ? '—' : pct(r.score);
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '—' : `${(ms / 1000).toFixed(1)}`;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** `report.md` (tables people read) and `report.json` (everything, machine-readable). */
export function formatSuperGlueReport(r: SuperGlueReport): { markdown: string; json: string } {
  const lines: string[] = [];
  lines.push('# SuperGLUE fine-tuning report', '');
  lines.push(`- encoder: ${r.encoder}`);
  lines.push(`- data: ${r.dataDir}`);
  lines.push(`- seed ${r.seed}${r.quick ? ', --quick' : ''}`);
  if (r.maxTrainExamples !== null)
    lines.push(`- training inputs capped at ${r.maxTrainExamples} per task (seeded sample of whole groups)`);
  if (r.maxEvalRecords !== null)
    lines.push(
      `- val capped at ${r.maxEvalRecords} records per task (model and majority scored on the same records)`,
    );
  for (const [k, v] of Object.entries(r.runInfo)) lines.push(`- ${k}: ${v}`);
  lines.push(`- total wall time ${seconds(r.wallMs)} s, created ${r.createdAt}`, '');

  lines.push('## Validation scores (percent)', '');
  lines.push(
    "Task score = mean of the task's metrics (CB F1/Acc, MultiRC F1a/EM, ReCoRD F1/EM). The majority baseline predicts the most frequent label of the source named (ReCoRD: each passage's most frequent entity) on the same val records.",
    '',
  );
  lines.push(
    '| task | status | val metrics (model) | val score | majority metrics | majority score | Δ | train inputs | epochs | steps | wall s | train tokens/s |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const t of r.tasks) {
    const delta =
      t.val?.score != null && t.valMajority?.score != null
        ? (100 * (t.val.score - t.valMajority.score)).toFixed(1)
        : '—';
    lines.push(
      `| ${t.task} | ${t.status} | ${metricText(t.val)} | ${scoreText(t.val)} | ${metricText(t.valMajority)} | ${scoreText(t.valMajority)} | ${delta} | ${t.trainExamples ?? '—'} | ${t.status === 'trained' ? t.recipe.epochs : '—'} | ${t.steps ?? '—'} | ${seconds(t.timing?.totalMs)} | ${t.speed ? Math.round(t.speed.trainTokensPerSecond) : '—'} |`,
    );
  }
  const both = r.tasks.filter((t) => t.val?.score != null && t.valMajority?.score != null);
  if (both.length > 0) {
    lines.push(
      '',
      `Mean val score over the ${both.length} trained task(s) (${both.map((t) => t.task).join(', ')}): model ${pct(mean(both.map((t) => t.val!.score!)))}, majority ${pct(mean(both.map((t) => t.valMajority!.score!)))}. This is not the leaderboard average (that needs all eight tasks, on test).`,
    );
  }
  lines.push('');
  if (r.diagnostics.length > 0) {
    lines.push('## Diagnostics (RTE model, official labelled files)', '');
    lines.push('| task | metrics |', '|---|---|');
    for (const d of r.diagnostics) lines.push(`| ${d.task} | ${metricText(d.metrics)} |`);
    lines.push('');
  }
  lines.push('## Timing and throughput', '');
  lines.push(
    '| task | train inputs (available) | truncated | train s | val eval s | predict s | train tokens | train tokens/s | predict tokens/s |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const t of r.tasks.filter((x) => x.status === 'trained')) {
    lines.push(
      `| ${t.task} | ${t.trainExamples} (${t.trainExamplesAvailable}) | ${t.truncatedTrain} | ${seconds(t.timing?.trainMs)} | ${seconds(t.timing?.evalMs)} | ${seconds(t.timing?.predictMs)} | ${t.speed?.trainTokens} | ${Math.round(t.speed?.trainTokensPerSecond ?? 0)} | ${Math.round(t.speed?.predictTokensPerSecond ?? 0)} |`,
    );
  }
  lines.push(
    '',
    'Tokens are real (non-padding) tokens. Train time excludes the per-epoch val evaluations but includes checkpoint saves.',
    '',
  );
  lines.push('## Notes per task', '');
  for (const t of r.tasks) {
    const extra = [
      t.majoritySource ? `majority from ${t.majoritySource}` : '',
      t.plot ? `loss curve: ${t.plot}` : '',
      ...t.notes,
    ].filter(Boolean);
    lines.push(`- **${t.task}**: ${extra.join('; ')}`);
  }
  const status = r.submission.valid
    ? 'valid'
    : r.submission.validExceptMissingTestFiles
      ? `valid except ${r.submission.missingTestFiles.map((t) => `${t}.jsonl`).join(', ')}: no test file here`
      : 'INVALID';
  lines.push('', `## Submission (${status})`, '');
  lines.push(`Zip: ${r.submission.zip} (files in ${r.submission.dir}).`, '');
  lines.push('| file | predictions | expected | validator | predicted by |', '|---|---|---|---|---|');
  for (const f of r.submission.files)
    lines.push(`| ${f.file} | ${f.predictions} | ${f.expected ?? '—'} | ${f.status} | ${f.source} |`);
  if (r.submission.problems.length > 0) {
    lines.push('', 'Validator messages:', '');
    for (const p of r.submission.problems.slice(0, 30)) lines.push(`- ${p}`);
  }
  if (r.warnings.length > 0) {
    lines.push('', '## Warnings', '');
    for (const w of r.warnings) lines.push(`- ${w}`);
  }
  lines.push('');
  return { markdown: lines.join('\n'), json: `${JSON.stringify(r, null, 2)}\n` };
}
