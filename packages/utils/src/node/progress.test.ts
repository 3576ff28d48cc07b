import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, resolveProgressMode } from './progress.js';

/** A writable stream that records what is written; `tty` makes it look like a terminal. */
function sink(tty: boolean): Writable & { text: () => string; isTTY?: boolean; columns?: number } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  }) as Writable & { text: () => string; isTTY?: boolean; columns?: number };
  s.text = () => chunks.join('');
  if (tty) {
    s.isTTY = true;
    s.columns = 120;
  }
  return s;
}

describe('createProgress: plain lines', () => {
  it('prints one line per 10% with percent, elapsed time and info, then a final line', () => {
    const lines: string[] = [];
    let t = 5_000;
    const p = createProgress({
      label: 'tokenizing',
      total: 200,
      unit: 'lines',
      write: (l) => lines.push(l),
      now: () => t,
    });
    for (let i = 1; i <= 200; i++) {
      t += 100;
      p.update(i, i === 100 ? 'half' : undefined);
    }
    t += 100;
    p.stop('42 tokens/line');
    p.stop('ignored');
    expect(lines.length).toBe(11);
    expect(lines[0]).toBe('tokenizing: 20/200 lines (10%, 2.0 s)');
    expect(lines[4]).toBe('tokenizing: 100/200 lines (50%, 10.0 s) | half');
    expect(lines[9]).toBe('tokenizing: 200/200 lines (100%, 20.0 s)');
    expect(lines[10]).toBe('tokenizing: done, 200 lines in 20.1 s | 42 tokens/line');
  });

  it('a jump over several tenths prints one line; an unknown total prints only the end until it is set', () => {
    const lines: string[] = [];
    const p = createProgress({ label: 'CB.zip', unit: 'bytes', write: (l) => lines.push(l), now: () => 0 });
    p.update(500);
    expect(lines).toEqual([]);
    p.setTotal(1000);
    p.update(550); // 50% was passed before the total was known: the next line is at 60%
    p.update(650);
    p.update(990);
    p.stop();
    expect(lines).toEqual([
      'CB.zip: 650/1000 bytes (65%, 0.0 s)',
      'CB.zip: 990/1000 bytes (99%, 0.0 s)',
      'CB.zip: done, 990 bytes in 0.0 s',
    ]);
  });

  it("'auto' writes lines to a stream that is not a TTY", () => {
    const s = sink(false);
    const p = createProgress({ label: 'train', total: 10, unit: 'steps', stream: s, now: () => 0 });
    for (let i = 1; i <= 10; i++) p.update(i);
    p.stop();
    expect(s.text().split('\n')[0]).toBe('train: 1/10 steps (10%, 0.0 s)');
    expect(s.text().endsWith('train: done, 10 steps in 0.0 s\n')).toBe(true);
  });
});

describe('createProgress: bar and none', () => {
  it("'auto' draws a cli-progress bar on a TTY", () => {
    const s = sink(true);
    const p = createProgress({ label: 'train', total: 4, unit: 'steps', stream: s });
    for (let i = 1; i <= 4; i++) p.update(i, `loss 0.${i}`);
    p.stop();
    const out = s.text();
    expect(out).toContain('train [');
    expect(out).toContain('100% | 4/4 steps');
    expect(out).toContain('| loss 0.4');
  });

  it('a bar with an unknown total follows the count', () => {
    const s = sink(true);
    const p = createProgress({ label: 'dl', unit: 'bytes', mode: 'bar', stream: s });
    p.update(300);
    p.stop();
    expect(s.text()).toContain('300/300 bytes');
  });

  it("'none' and a forced bar on a non-TTY stream write nothing", () => {
    for (const mode of ['none', 'bar'] as const) {
      const s = sink(false);
      const p = createProgress({ label: 'x', total: 3, mode, stream: s });
      p.update(3);
      p.stop();
      expect(s.text()).toBe('');
    }
  });

  it('resolveProgressMode: auto follows the TTY, a line sink forces lines, none wins', () => {
    expect(resolveProgressMode('auto', sink(true))).toBe('bar');
    expect(resolveProgressMode('auto', sink(false))).toBe('lines');
    expect(resolveProgressMode('bar', sink(true), () => {})).toBe('lines');
    expect(resolveProgressMode('none', sink(true), () => {})).toBe('none');
  });
});
