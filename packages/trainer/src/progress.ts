import cliProgress from 'cli-progress';
import type { LogRecord } from './types.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Receives the trainer's progress: a step finished, a record was logged, the run ended. */
export interface ProgressReporter {
  start(totalSteps: number, startStep: number): void;
  step(step: number, loss: number | null): void;
  log(record: LogRecord): void;
  stop(): void;
}

function fmt(v: unknown): string {
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

class LineProgress implements ProgressReporter {
  private total = 0;
  constructor(private readonly stream: NodeJS.WritableStream) {}
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

class BarProgress implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;
  constructor(stream: NodeJS.WritableStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'train [{bar}] {value}/{total} steps | loss {loss} | {eval} | ETA {eta_formatted}',
        hideCursor: false,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  start(totalSteps: number, startStep: number): void {
    this.bar.start(totalSteps, startStep, { loss: '-', eval: '' });
  }
  step(step: number, loss: number | null): void {
    this.bar.update(step, loss === null ? {} : { loss: fmt(loss) });
  }
  log(record: LogRecord): void {
    if (record.type !== 'eval') return;
    const metrics = Object.entries(record)
      .filter(([k]) => k.startsWith('eval_'))
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(' ');
    this.bar.update({ eval: metrics });
  }
  stop(): void {
    this.bar.stop();
  }
}

/** A progress bar on a TTY, plain lines otherwise (`'auto'`), or as forced by `mode`. */
export function createProgressReporter(
  mode: ProgressMode = 'auto',
  stream: NodeJS.WritableStream = process.stderr,
): ProgressReporter {
  const isTty = (stream as NodeJS.WriteStream).isTTY === true;
  const resolved = mode === 'auto' ? (isTty ? 'bar' : 'lines') : mode;
  if (resolved === 'bar') return new BarProgress(stream);
  if (resolved === 'lines') return new LineProgress(stream);
  return { start() {}, step() {}, log() {}, stop() {} };
}
