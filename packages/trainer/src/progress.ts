import type { LogRecord } from './types.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Receives the trainer's progress: a step finished, a record was logged, the run ended. */
export interface ProgressReporter {
  start(totalSteps: number, startStep: number): void;
  step(step: number, loss: number | null): void;
  log(record: LogRecord): void;
  stop(): void;
}

export function fmt(v: unknown): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}

/** One plain line per logged record: `step 20/100 | loss 0.4312 | learning_rate 1.000e-4 | ...`. */
export function formatLogLine(record: LogRecord, totalSteps: number): string {
  const parts = [`${record.type === 'eval' ? 'eval ' : ''}step ${record.step}/${totalSteps}`];
  for (const [k, v] of Object.entries(record)) {
    if (k === 'type' || k === 'step' || k === 'elapsed_ms' || v === null) continue;
    parts.push(`${k} ${fmt(v)}`);
  }
  return parts.join(' | ');
}

/** Where progress lines go: a Node stream (`process.stderr`) or anything with `write` (a browser log). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Reports nothing. */
export const NO_PROGRESS: ProgressReporter = { start() {}, step() {}, log() {}, stop() {} };

/** One line per logged record on `stream` (`'lines'` mode). */
export class LineProgress implements ProgressReporter {
  private total = 0;
  constructor(private readonly stream: ProgressStream) {}
  start(totalSteps: number, startStep: number): void {
    this.total = totalSteps;
    if (startStep > 0) this.stream.write(`resuming at step ${startStep}/${totalSteps}\n`);
  }
  step(): void {}
  log(record: LogRecord): void {
    this.stream.write(`${formatLogLine(record, this.total)}\n`);
  }
  stop(): void {}
}
