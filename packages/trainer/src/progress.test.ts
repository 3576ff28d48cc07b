import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatLogLine } from './progress.js';
import { createProgressReporter } from './progress-bar.js';

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns = 120;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
}

describe('progress output', () => {
  it('writes plain lines when the stream is not a TTY', () => {
    const s = new Capture(false);
    const p = createProgressReporter('auto', s);
    p.start(100, 0);
    p.step(10, 0.5);
    p.log({ type: 'train', step: 10, epoch: 0.5, elapsed_ms: 12, loss: 0.123456, learning_rate: 0.00002 });
    p.log({ type: 'eval', step: 10, epoch: 0.5, elapsed_ms: 15, eval_accuracy: 0.75 });
    p.stop();
    expect(s.text).toBe(
      'step 10/100 | epoch 0.5000 | loss 0.1235 | learning_rate 2.000e-5\n' +
        'eval step 10/100 | epoch 0.5000 | eval_accuracy 0.7500\n',
    );
  });

  it('draws a progress bar on a TTY', () => {
    const s = new Capture(true);
    const p = createProgressReporter('auto', s);
    p.start(50, 0);
    p.step(25, 0.25);
    p.stop();
    expect(s.text).toMatch(/train \[[█░]+\] 25\/50 steps \| loss 0\.2500/);
  });

  it('formats a resumed start and prints nothing in none mode', () => {
    const s = new Capture(false);
    createProgressReporter('lines', s).start(10, 4);
    expect(s.text).toBe('resuming at step 4/10\n');
    const q = new Capture(true);
    const none = createProgressReporter('none', q);
    none.start(10, 0);
    none.log({ type: 'train', step: 1, epoch: 0, elapsed_ms: 0, loss: 1 });
    expect(q.text).toBe('');
    expect(formatLogLine({ type: 'train', step: 3, epoch: 1, elapsed_ms: 5, loss: null }, 9)).toBe(
      'step 3/9 | epoch 1',
    );
  });
});
