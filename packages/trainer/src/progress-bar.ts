// The progress bar (cli-progress: Node only). Lines and the formatting are in ./progress.ts.
import cliProgress from 'cli-progress';
import {
  fmt,
  LineProgress,
  NO_PROGRESS,
  type ProgressMode,
  type ProgressReporter,
  type ProgressStream,
} from './progress.js';
import type { LogRecord } from './types.js';

class BarProgress implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;
  constructor(stream: ProgressStream) {
    this.bar = new cliProgress.SingleBar(
      {
        // A TTY stream (createProgressReporter draws a bar only then): a Node stream in practice.
        stream: stream as NodeJS.WritableStream,
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
  stream: ProgressStream = process.stderr,
): ProgressReporter {
  const isTty = stream.isTTY === true;
  const resolved = mode === 'auto' ? (isTty ? 'bar' : 'lines') : mode;
  if (resolved === 'bar') return new BarProgress(stream);
  if (resolved === 'lines') return new LineProgress(stream);
  return NO_PROGRESS;
}
