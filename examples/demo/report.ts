// report.md of the demo: what ran, how long each stage took, val scores next to the majority class
// and the published test rows, and what these numbers can and cannot say.
import { relative } from 'node:path';
import type { ScoredTaskName } from '@selfevo/superglue-datasets';
import type { SeSummary } from '../shared/se.js';
import type { Preset } from './presets.js';
import type { PandaSummary, TaskSummary } from './stages.js';

/** SuperGLUE test scores, methods.md §3.4 (CB F1/Acc, MultiRC F1a/EM, ReCoRD F1/EM). */
const PUBLISHED: Record<string, Partial<Record<ScoredTaskName, string>>> = {
  'Vega v2 (6B)': {
    BoolQ: '90.5',
    CB: '98.6/99.2',
    COPA: '99.4',
    MultiRC: '88.2/62.4',
    ReCoRD: '94.4/93.9',
    RTE: '96.0',
    WiC: '77.4',
    WSC: '98.6',
  },
  human: {
    BoolQ: '89.0',
    CB: '95.8/98.9',
    COPA: '100.0',
    MultiRC: '81.8/51.9',
    ReCoRD: '91.7/91.3',
    RTE: '93.6',
    WiC: '80.0',
    WSC: '100.0',
  },
  'BERT-large': {
    BoolQ: '77.4',
    CB: '75.7/83.6',
    COPA: '70.6',
    MultiRC: '70.0/24.1',
    ReCoRD: '72.0/71.3',
    RTE: '71.7',
    WiC: '69.6',
    WSC: '64.4',
  },
  CBOW: {
    BoolQ: '62.2',
    CB: '49.0/71.2',
    COPA: '51.6',
    MultiRC: '0.0/0.5',
    ReCoRD: '14.0/13.6',
    RTE: '49.7',
    WiC: '53.1',
    WSC: '65.1',
  },
};
const TASK_ORDER: ScoredTaskName[] = ['BoolQ', 'CB', 'COPA', 'MultiRC', 'ReCoRD', 'RTE', 'WiC', 'WSC'];

export interface ReportInput {
  out: string;
  preset: Preset;
  model: string;
  backend: string;
  machine: { cores: number; loadStart: number[]; loadEnd: number[] };
  stages: { name: string; seconds: number; resumed: boolean }[];
  se: SeSummary;
  finetune: TaskSummary[];
  panda: PandaSummary[];
  chosen: Partial<Record<ScoredTaskName, 'fine-tuning' | 'PANDA'>>;
  submission: { zip: string; valid: boolean; missing: string[]; problems: string[] };
}

const pct = (x: number | null | undefined) => (x == null || Number.isNaN(x) ? '—' : (100 * x).toFixed(1));
const secs = (s: number) => (s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

export function formatReport(r: ReportInput): string {
  const rel = (p: string | null) => (p ? relative(r.out, p) : null);
  const img = (p: string | null, alt: string) => (p ? `![${alt}](${rel(p)})` : '');
  const total = r.stages.reduce((a, s) => a + s.seconds, 0);
  const L: string[] = [];
  L.push('# selfevo demo: the Vega v2 recipe at small scale', '');
  L.push(
    `Base model \`${r.model}\` (${(r.se.parameters / 1e6).toFixed(1)} M parameters) → SE continued pretraining → ` +
      'fine-tuning of every selected task with training data → PANDA prompt transfer to ' +
      `${r.preset.targets.join(', ')} → the better of the two per task on val → submission. ` +
      `Preset **${r.preset.name}**, backend ${r.backend}, ${r.machine.cores} CPU cores ` +
      `(load average ${r.machine.loadStart.map((x) => x.toFixed(1)).join(' ')} at the start, ` +
      `${r.machine.loadEnd.map((x) => x.toFixed(1)).join(' ')} at the end).`,
    '',
  );
  L.push('## Stages', '', '| stage | wall time | |', '|---|---|---|');
  for (const s of r.stages)
    L.push(`| ${s.name} | ${secs(s.seconds)} | ${s.resumed ? 'done in an earlier run' : ''} |`);
  L.push(`| **total** | **${secs(total)}** | |`, '');

  const se = r.se;
  L.push('## SE continued pretraining', '');
  L.push(
    `Stage 1 scored ${se.rows} rows of 128 tokens with the base model (eval mode, unmasked): ` +
      `${(100 * se.selectedShare).toFixed(1)} % of the tokens have NLL > τ = 0.1 and are masked in stage 2 ` +
      '(rows with fewer than 2 fall back to random 15 % masking). Stage 2: ' +
      `${se.steps} steps with rectified smooth labels (α = 0.1), ${se.maskedTokens} masked tokens, ` +
      `${se.fallbackRows} fallback rows. Held-out loss at [MASK] positions ${se.before.loss.toFixed(3)} → ` +
      `${se.after.loss.toFixed(3)} (accuracy ${pct(se.before.accuracy)} → ${pct(se.after.accuracy)} %).`,
    '',
    img(se.plot, 'SE loss curve'),
    '',
  );

  L.push('## Scores on val', '');
  L.push(
    "Task score = the mean of the task's metrics (CB: F1/Acc, MultiRC: F1a/EM), ×100. The published rows are **test** " +
      'scores of far larger systems, for scale only.',
    '',
  );
  const head = [
    'task',
    'majority class',
    'fine-tuning',
    'PANDA (source, similarity)',
    'chosen',
    ...Object.keys(PUBLISHED),
  ];
  L.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const task of TASK_ORDER) {
    const ft = r.finetune.find((t) => t.task === task);
    const pd = r.panda.find((t) => t.task === task);
    const chosen = r.chosen[task];
    const ftCell = ft?.val != null ? pct(ft.val) : (ft?.status ?? '—');
    const pdCell = pd ? `${pct(pd.student)} (${pd.source}, ${pd.similarity.toFixed(2)})` : '';
    L.push(
      `| ${task} | ${pct(ft?.majority)} | ${ftCell} | ${pdCell} | ${chosen ?? 'majority class'} | ${Object.values(
        PUBLISHED,
      )
        .map((row) => row[task] ?? '')
        .join(' | ')} |`,
    );
  }
  L.push('');
  if (r.panda.length) {
    L.push('### PANDA', '');
    L.push(
      "Each target's SPoT task embedding (its own prompt after a quarter of the steps) ranks the other source " +
        'prompts by cosine of the averages; the teacher is the best source prompt tuned further on the target ' +
        '(vanilla prompt transfer), the student a fresh deep prompt trained with CE + λ·MSE(student, teacher) logits ' +
        '(λ = 0.01, the released constant), on the frozen SE encoder.',
      '',
      '| target | ranking (similarity) | teacher val | student val | λ | time |',
      '|---|---|---|---|---|---|',
    );
    for (const p of r.panda)
      L.push(
        `| ${p.task} | ${p.ranking.map((s) => `${s.name} ${s.similarity.toFixed(2)}`).join(', ')} | ${pct(p.teacher)} | ${pct(p.student)} | ${p.lambda.toPrecision(2)} | ${secs(p.seconds)} |`,
      );
    L.push('');
  }

  L.push('## Submission', '');
  const s = r.submission;
  L.push(
    `\`${rel(s.zip)}\`: ${s.valid ? 'valid' : 'INVALID'}${s.missing.length ? ` (no file for ${s.missing.join(', ')}: this data folder has no test file for it)` : ''}. ` +
      'Tasks not fine-tuned in this preset, and AX-b/AX-g apart from the RTE fine-tuning model, are predicted as in ' +
      '`05-finetune-all`; where PANDA won on val, its student predicts the test file.',
    '',
  );
  for (const p of s.problems) L.push(`- ${p}`);

  L.push('## What these numbers are, honestly', '');
  L.push(
    `- Size and compute: a ${(r.se.parameters / 1e6).toFixed(1)} M-parameter encoder (the default base, ` +
      '@selfevo/encoder-mini-gutenberg, saw 11.5 M tokens of Project Gutenberg books in under an hour on 2 CPU cores), ' +
      `adapted here on ${r.machine.cores} CPU cores; Vega v2 has 6 B parameters and was pretrained on ` +
      'GPU clusters. Scores near the majority class are what a model this size, this briefly adapted, gets.',
    `- The ${r.preset.name} preset trains on capped samples (${r.preset.maxTrain ?? 'all'} inputs per task for ` +
      `fine-tuning, ${r.preset.promptSteps} prompt steps) and scores ${r.preset.maxVal ?? 'all'} val records per task ` +
      '(a seeded sample, the same for fine-tuning, PANDA and the majority class): differences of a few points are noise.',
    '- "Chosen" picks on the same val records it reports, so the chosen column is optimistic; test scores come only ' +
      'from the leaderboard.',
    "- `--full` runs the packages' full recipes (all examples, all val records, MultiRC, longer SE and prompt training).",
    '',
  );
  L.push('## Loss curves', '');
  for (const t of r.finetune)
    if (t.plot) L.push(`- ${t.task} fine-tuning: ${img(t.plot, `${t.task} fine-tuning`)}`);
  for (const p of r.panda) if (p.plot) L.push(`- ${p.task} PANDA student: ${img(p.plot, `${p.task} PANDA`)}`);
  L.push('');
  return `${L.join('\n')}\n`;
}
