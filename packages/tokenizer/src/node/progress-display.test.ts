import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineProgress, NO_PROGRESS } from '../trainers/progress.js';
import { nodeProgress } from './progress-display.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('nodeProgress', () => {
  it("false, a line sink and a Progress are the core's; 'auto' writes createProgress lines to stderr off a TTY", () => {
    expect(nodeProgress(false)).toBe(NO_PROGRESS);
    expect(nodeProgress(() => {})).toBeInstanceOf(LineProgress);
    const mine = { start() {}, update() {}, stop() {} };
    expect(nodeProgress(mine)).toBe(mine);

    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      const p = nodeProgress('auto');
      p.start('Count words (bytes)', 100);
      p.update(50);
      p.stop();
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
    expect(written[0]).toMatch(/^Count words \(bytes\): 50\/100 \(50%/);
    expect(written.at(-1)).toMatch(/^Count words \(bytes\): done, 50 in/);
  });
});
