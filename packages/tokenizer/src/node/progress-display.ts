import { createProgress, type Progress as Display } from '@selfevo/utils/node';
import { makeProgress, type Progress, type ProgressOption } from '../trainers/progress.js';

/** Each step (counting words, computing merges) as one `createProgress` display on stderr. */
class DisplayProgress implements Progress {
  private display: Display | null = null;
  start(label: string, total: number): void {
    this.stop();
    this.display = createProgress({ label, total: Math.max(1, total) });
  }
  update(value: number): void {
    this.display?.update(value);
  }
  stop(): void {
    this.display?.stop();
    this.display = null;
  }
}

/**
 * Training progress in Node: false, a line sink or a `Progress` as in the core; true / 'auto' /
 * unset: `@selfevo/utils/node`'s `createProgress` (a bar on a TTY, plain lines on stderr otherwise).
 */
export function nodeProgress(opt: ProgressOption | undefined): Progress {
  return makeProgress(opt, () => new DisplayProgress());
}
