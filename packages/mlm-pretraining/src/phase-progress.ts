import type { ProgressMode } from '@selfevo/trainer';
import cliProgress from 'cli-progress';

/** Progress of one phase (tokenizing, scoring…): a bar on a TTY, plain lines otherwise. */
export interface PhaseProgress {
  update(done: number, info?: string): void;
  stop(info?: string): void;
}

/**
 * `'auto'`: a `cli-progress` bar when `stream` is a TTY, else a plain line at every 10% (and at the
 * end); `'bar'`/`'lines'` force one; `'none'` is silent.
 */
export function phaseProgress(
  label: string,
  total: number,
  unit: string,
  mode: ProgressMode = 'auto',
  stream: NodeJS.WritableStream = process.stderr,
): PhaseProgress {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  const kind = mode === 'auto' ? (tty ? 'bar' : 'lines') : mode;
  const t0 = Date.now();
  if (kind === 'none') return { update() {}, stop() {} };
  if (kind === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} ${unit} | {info} | ETA {eta_formatted}`,
        hideCursor: false,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '' });
    return {
      update: (done, info = '') => bar.update(Math.min(done, total), { info }),
      stop: (info = '') => {
        bar.update(total, { info });
        bar.stop();
      },
    };
  }
  let nextTenth = 1;
  return {
    update(done, info = '') {
      if (total <= 0 || done < (nextTenth * total) / 10) return;
      while (done >= (nextTenth * total) / 10) nextTenth++;
      const s = ((Date.now() - t0) / 1000).toFixed(1);
      stream.write(`${label}: ${done}/${total} ${unit} (${s} s)${info ? ` | ${info}` : ''}\n`);
    },
    stop(info = '') {
      const s = ((Date.now() - t0) / 1000).toFixed(1);
      stream.write(`${label}: done in ${s} s${info ? ` | ${info}` : ''}\n`);
    },
  };
}
