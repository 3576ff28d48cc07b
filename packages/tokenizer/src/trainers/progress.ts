import cliProgress from 'cli-progress';

/** Progress reporting: a cli-progress bar on a TTY, plain lines otherwise, or nothing. */
export interface Progress {
  start(label: string, total: number): void;
  update(value: number): void;
  stop(): void;
}

export type ProgressOption = boolean | 'auto' | ((line: string) => void);

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | null = null;
  start(label: string, total: number): void {
    this.stop();
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label.padEnd(22)} [{bar}] {percentage}% | {value}/{total} | ETA {eta}s`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(1, total), 0);
  }
  update(value: number): void {
    this.bar?.update(value);
  }
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

class LineProgress implements Progress {
  private label = '';
  private total = 1;
  private lastPct = -1;
  constructor(private readonly write: (line: string) => void) {}
  start(label: string, total: number): void {
    this.label = label;
    this.total = Math.max(1, total);
    this.lastPct = -1;
    this.write(`${label}: 0/${total}`);
  }
  update(value: number): void {
    const pct = Math.floor((100 * value) / this.total);
    if (pct >= this.lastPct + 10) {
      this.lastPct = pct - (pct % 10);
      this.write(`${this.label}: ${value}/${this.total} (${pct}%)`);
    }
  }
  stop(): void {
    if (this.lastPct < 100) this.write(`${this.label}: done`);
    this.lastPct = 100;
  }
}

const NOOP: Progress = { start() {}, update() {}, stop() {} };

export function makeProgress(opt: ProgressOption | undefined): Progress {
  if (opt === false) return NOOP;
  if (typeof opt === 'function') return new LineProgress(opt);
  if (process.stderr.isTTY) return new BarProgress();
  if (opt === true || opt === 'auto' || opt === undefined)
    return new LineProgress((l) => process.stderr.write(`${l}\n`));
  return NOOP;
}
