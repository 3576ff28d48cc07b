/** Progress of a long step (counting words, computing merges): started, updated, stopped. */
export interface Progress {
  start(label: string, total: number): void;
  update(value: number): void;
  stop(): void;
}

/**
 * How training reports progress: false (nothing), a line sink `(line) => void`, or any `Progress`
 * (e.g. a bar). true / 'auto' / unset: nothing in the core; `@selfevo/tokenizer/node` turns them
 * into a bar on a TTY and plain lines on stderr otherwise.
 */
export type ProgressOption = boolean | 'auto' | ((line: string) => void) | Progress;

/** Plain lines to a sink, at most one per 10 %. */
export class LineProgress implements Progress {
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

export const NO_PROGRESS: Progress = { start() {}, update() {}, stop() {} };

function isProgress(opt: unknown): opt is Progress {
  return typeof opt === 'object' && opt !== null && typeof (opt as Progress).update === 'function';
}

/** The `Progress` an option asks for; true / 'auto' / unset fall to `auto` (default: nothing). */
export function makeProgress(
  opt: ProgressOption | undefined,
  auto: () => Progress = () => NO_PROGRESS,
): Progress {
  if (opt === false) return NO_PROGRESS;
  if (typeof opt === 'function') return new LineProgress(opt);
  if (isProgress(opt)) return opt;
  return auto();
}
