import type { TaskName } from '@selfevo/superglue-tasks';

/** One problem found in a submission or prediction file. */
export interface SubmissionProblem {
  severity: 'error' | 'warning';
  file: string;
  task?: TaskName;
  /** 1-based line in the file, when the problem sits on one line. */
  line?: number;
  /** The field at fault (`idx`, `label`, `passage.questions[1].answers[0].label`), when one is. */
  field?: string;
  /** A short preview of the value at fault (never the whole value). */
  value?: string;
  message: string;
  /** Every idx/key concerned, for aggregated problems (missing idx, …). */
  keys?: string[];
  /** How many problems this entry stands for (a summary of unlisted ones); absent = 1. */
  count?: number;
}

/** How many problems `problems` stands for (summaries count for all they summarise). */
export function problemCount(
  problems: readonly SubmissionProblem[],
  severity: SubmissionProblem['severity'],
): number {
  let n = 0;
  for (const p of problems) if (p.severity === severity) n += p.count ?? 1;
  return n;
}

/**
 * The problems of one file, the first `max` listed and the rest only counted: `finish()` appends
 * one summary per severity (with `count`), so a file with a million bad lines gives a report of
 * bounded size with exact totals.
 */
export class ProblemList {
  private readonly listed: SubmissionProblem[] = [];
  private readonly unlisted = { error: 0, warning: 0 };

  constructor(
    private readonly max: number,
    private readonly file: string,
    private readonly task?: TaskName,
  ) {}

  add(problem: SubmissionProblem): void {
    if (this.listed.length < this.max) this.listed.push(problem);
    else this.unlisted[problem.severity]++;
  }

  finish(): SubmissionProblem[] {
    const out = this.listed.slice();
    for (const severity of ['error', 'warning'] as const) {
      const count = this.unlisted[severity];
      if (count === 0) continue;
      const what = severity === 'error' ? 'problems' : 'warnings';
      out.push({
        severity,
        file: this.file,
        ...(this.task === undefined ? {} : { task: this.task }),
        message: `${count} more ${what} not listed (the first ${this.max} problems are)`,
        count,
      });
    }
    return out;
  }
}

/** "file:line: message" (with severity), listing at most `maxKeys` keys of an aggregated problem. */
export function formatProblem(p: SubmissionProblem, maxKeys = 50): string {
  const where = `${p.file}${p.line === undefined ? '' : `:${p.line}`}`;
  let keys = '';
  if (p.keys && p.keys.length > 0) {
    const shown = p.keys.slice(0, maxKeys).join(', ');
    keys = ` [${shown}${p.keys.length > maxKeys ? `, … ${p.keys.length - maxKeys} more` : ''}]`;
  }
  return `${p.severity.toUpperCase()} ${where}: ${p.message}${keys}`;
}
