import { isScoredTask } from '@selfevo/superglue-tasks';
import { TASK_METRICS } from './metrics/task-metrics.js';
import type { ScoreReport } from './score-folder.js';
import { formatProblem } from './submission/problems.js';

const METRIC_LABELS: Record<string, string> = {
  accuracy: 'Acc',
  f1Macro: 'F1 (macro)',
  f1a: 'F1a',
  em: 'EM',
  f1: 'F1',
  mcc: 'MCC',
  genderParity: 'Gender parity',
};

/** Percent with one decimal, the leaderboard's convention ("—" for null). */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : (v * 100).toFixed(1);
}

/** Markdown report: leaderboard score, per-task table, diagnostics beside it, and every problem. */
export function formatScoreReportMarkdown(report: ScoreReport): string {
  const out: string[] = [];
  const lb = report.leaderboard;
  out.push(`# SuperGLUE scores (${report.split})`);
  out.push('');
  out.push(`Predictions: \`${report.predictions}\`  `);
  out.push(`Reference data: \`${report.dataDir}\``);
  out.push('');
  if (lb.score !== null) out.push(`**Leaderboard score: ${pct(lb.score)}** (mean of the 8 task scores)`);
  else {
    out.push(
      `**Leaderboard score: not available** — no score for ${lb.missingTasks.join(', ')}. ` +
        `Mean over the ${8 - lb.missingTasks.length} scored tasks: ${pct(lb.partialScore)}`,
    );
  }
  out.push('');
  out.push('| task | metrics | task score | n | missing | unparseable | extra |');
  out.push('|---|---|---|---|---|---|---|');
  for (const t of report.tasks) {
    const r = t.result;
    if (!r) {
      out.push(`| ${t.task} | ${t.status} | — | — | — | — | — |`);
      continue;
    }
    const metrics = TASK_METRICS[t.task].map((m) => `${METRIC_LABELS[m]} ${pct(r.metrics[m])}`).join(' / ');
    const score = isScoredTask(t.task) ? pct(r.score) : 'diagnostic';
    out.push(
      `| ${t.task} | ${metrics} | ${score} | ${r.count} | ${r.missing} | ${r.unparseable} | ${r.extra} |`,
    );
  }
  out.push('');
  out.push(
    'Scores in percent. Task score = mean of its metrics (CB F1/Acc, MultiRC F1a/EM, ReCoRD F1/EM); ' +
      'AX-b (MCC) and AX-g (gender parity, accuracy) are diagnostics, not averaged. ' +
      'Missing and unparseable predictions count as wrong.',
  );
  const problems = report.tasks.flatMap((t) => t.problems);
  const listed = report.tasks.filter(
    (t) => t.result && (t.result.missing || t.result.unparseable || t.result.extra),
  );
  if (problems.length > 0 || listed.length > 0) {
    out.push('');
    out.push('## Problems');
    out.push('');
    for (const t of listed) {
      const r = t.result!;
      const parts: string[] = [];
      if (r.missing) parts.push(`${r.missing} missing (e.g. ${r.missingKeys.join(', ')})`);
      if (r.unparseable) parts.push(`${r.unparseable} unparseable (e.g. ${r.unparseableKeys.join(', ')})`);
      if (r.extra) parts.push(`${r.extra} not in the reference, ignored (e.g. ${r.extraKeys.join(', ')})`);
      out.push(`- ${t.task}: ${parts.join('; ')}`);
    }
    for (const p of problems) out.push(`- ${formatProblem(p, 20)}`);
  }
  return `${out.join('\n')}\n`;
}

/** JSON-ready form of the report (metrics as fractions; `scorePercent` rounded to 0.1 for display). */
export function scoreReportToJson(report: ScoreReport): unknown {
  return {
    split: report.split,
    predictions: report.predictions,
    dataDir: report.dataDir,
    leaderboard: {
      ...report.leaderboard,
      scorePercent: report.leaderboard.score === null ? null : Number(pct(report.leaderboard.score)),
    },
    tasks: report.tasks,
  };
}
