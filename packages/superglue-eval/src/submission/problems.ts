import type { TaskName } from '@selfevo/superglue-tasks';

/** One problem found in a submission or prediction file. */
export interface SubmissionProblem {
  severity: 'error' | 'warning';
  file: string;
  task?: TaskName;
  /** 1-based line in the file, when the problem sits on one line. */
  line?: number;
  message: string;
  /** Every idx/key concerned, for aggregated problems (missing idx, …). */
  keys?: string[];
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
