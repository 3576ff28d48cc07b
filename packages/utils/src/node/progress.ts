import { createRequire } from 'node:module';

/** The part of `cli-progress` used here (declared locally: the package is an optional peer). */
interface Bar {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  update(payload: object): void;
  setTotal(total: number): void;
  stop(): void;
}
interface CliProgress {
  SingleBar: new (options: object, preset?: object) => Bar;
  Presets: { shades_classic: object };
}
let cliProgressModule: CliProgress | null | undefined;

/**
 * `cli-progress`, when installed (an optional peer dependency: the packages that want a bar
 * depend on it), else null and a bar falls back to plain lines. Loaded on first use.
 */
function loadCliProgress(): CliProgress | null {
  if (cliProgressModule === undefined) {
    try {
      cliProgressModule = createRequire(import.meta.url)('cli-progress') as CliProgress;
    } catch {
      cliProgressModule = null;
    }
  }
  return cliProgressModule;
}

/** `'auto'`: a bar on a TTY, plain lines otherwise; `'bar'`/`'lines'` force one; `'none'` is silent. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/**
 * Where progress goes: `process.stderr` or any writable stream. Structural, so that the shipped
 * types need no `@types/node`.
 */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** A bar is drawn only when this is true. */
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** What is counted, printed first: `tokenizing`, `CB.zip`, `train`. */
  label: string;
  /** The value at completion. Unknown (e.g. a download without Content-Length) until `setTotal`. */
  total?: number;
  /** Unit printed after the counts: `steps`, `bytes`, `lines` (default none). */
  unit?: string;
  /** Default `'auto'`. */
  mode?: ProgressMode;
  /** Where the bar or the lines go (default `process.stderr`). A bar needs a TTY: elsewhere it is silent. */
  stream?: ProgressStream;
  /** Receives each plain line (no newline) instead of `stream`; implies `mode: 'lines'` unless `'none'`. */
  write?: (line: string) => void;
  /** Milliseconds clock, for the elapsed time in plain lines (default `Date.now`). */
  now?: () => number;
}

/** One task's progress. `update` is cheap: call it as often as the count changes. */
export interface Progress {
  /** The count so far, and an optional short status (`loss 0.43`) shown beside it. */
  update(value: number, info?: string): void;
  /** Sets or changes the total. */
  setTotal(total: number): void;
  /** Ends the bar, or prints the final line; later calls do nothing. */
  stop(info?: string): void;
}

const NONE: Progress = { update() {}, setTotal() {}, stop() {} };

/** The mode `'auto'` resolves to for `stream`, and what `write` forces. */
export function resolveProgressMode(
  mode: ProgressMode = 'auto',
  stream: ProgressStream = process.stderr,
  write?: (line: string) => void,
): Exclude<ProgressMode, 'auto'> {
  if (mode === 'none') return 'none';
  if (write) return 'lines';
  if (mode !== 'auto') return mode;
  return stream.isTTY === true ? 'bar' : 'lines';
}

/**
 * One progress display for every long task in the repo. On a TTY a `cli-progress` bar (plain
 * lines when `cli-progress` is not installed)
 * `label [████░░] 40% | 40/100 steps | ETA 3s | info`; elsewhere (logs, CI) one plain line per
 * 10% — `label: 40/100 steps (40%, 2.1 s) | info` — and `label: done, 100 steps in 5.2 s` at
 * the end; with an unknown total, only the final line.
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const mode = resolveProgressMode(options.mode, stream, options.write);
  if (mode === 'none') return NONE;
  const cliProgress = mode === 'bar' ? loadCliProgress() : null;
  if (cliProgress) return barProgress(cliProgress, options, stream);
  const write = options.write ?? ((line: string) => stream.write(`${line}\n`));
  return lineProgress(options, write);
}

function barProgress(cliProgress: CliProgress, o: ProgressOptions, stream: ProgressStream): Progress {
  const unit = o.unit ? ` ${o.unit}` : '';
  const bar = new cliProgress.SingleBar(
    {
      // cli-progress writes strings only and checks isTTY itself.
      stream: stream as NodeJS.WritableStream,
      format: `${o.label} [{bar}] {percentage}% | {value}/{total}${unit} | ETA {eta_formatted}{info}`,
      hideCursor: false,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let total = o.total;
  let stopped = false;
  bar.start(total ?? 0, 0, { info: '' });
  const info = (s: string | undefined) => (s ? { info: ` | ${s}` } : {});
  return {
    update(value, text) {
      if (stopped) return;
      if (total === undefined) bar.setTotal(value);
      bar.update(value, info(text));
    },
    setTotal(t) {
      total = t;
      if (!stopped) bar.setTotal(t);
    },
    stop(text) {
      if (stopped) return;
      stopped = true;
      if (text) bar.update(info(text));
      bar.stop();
    },
  };
}

function lineProgress(o: ProgressOptions, write: (line: string) => void): Progress {
  const now = o.now ?? Date.now;
  const t0 = now();
  const unit = o.unit ? ` ${o.unit}` : '';
  const seconds = () => ((now() - t0) / 1000).toFixed(1);
  let total = o.total;
  let value = 0;
  let nextTenth = 1;
  let stopped = false;
  return {
    update(v, info) {
      value = v;
      if (stopped || total === undefined || total <= 0 || v < (nextTenth * total) / 10) return;
      while (v >= (nextTenth * total) / 10) nextTenth++;
      const pct = Math.floor((100 * v) / total);
      write(`${o.label}: ${v}/${total}${unit} (${pct}%, ${seconds()} s)${info ? ` | ${info}` : ''}`);
    },
    setTotal(t) {
      total = t;
      nextTenth = Math.max(1, Math.floor((10 * value) / Math.max(t, 1)) + 1);
    },
    stop(info) {
      if (stopped) return;
      stopped = true;
      write(`${o.label}: done, ${value}${unit} in ${seconds()} s${info ? ` | ${info}` : ''}`);
    },
  };
}
