import { describe, expect, it } from 'vitest';
import { leaderboardScore } from './leaderboard.js';

/** Rows of methods.md §3.4 (test set), in percent. */
const rows = {
  'Vega v2': { avg: 91.3, r: [90.5, [98.6, 99.2], 99.4, [88.2, 62.4], [94.4, 93.9], 96.0, 77.4, 98.6] },
  human: { avg: 89.8, r: [89.0, [95.8, 98.9], 100.0, [81.8, 51.9], [91.7, 91.3], 93.6, 80.0, 100.0] },
  'BERT-large': { avg: 69.0, r: [77.4, [75.7, 83.6], 70.6, [70.0, 24.1], [72.0, 71.3], 71.7, 69.6, 64.4] },
  CBOW: { avg: 44.5, r: [62.2, [49.0, 71.2], 51.6, [0.0, 0.5], [14.0, 13.6], 49.7, 53.1, 65.1] },
} as const;

function toRows(r: (typeof rows)[keyof typeof rows]['r']) {
  const [boolq, cb, copa, mrc, rec, rte, wic, wsc] = r;
  return {
    BoolQ: { accuracy: boolq },
    CB: { f1Macro: cb[0], accuracy: cb[1] },
    COPA: { accuracy: copa },
    MultiRC: { f1a: mrc[0], em: mrc[1] },
    ReCoRD: { f1: rec[0], em: rec[1] },
    RTE: { accuracy: rte },
    WiC: { accuracy: wic },
    WSC: { accuracy: wsc },
  };
}

describe('leaderboardScore', () => {
  for (const [name, { avg, r }] of Object.entries(rows)) {
    it(`reproduces the published average of ${name} (${avg}) within rounding`, () => {
      const s = leaderboardScore(toRows(r));
      expect(s.score).not.toBeNull();
      expect(Math.abs(s.score! - avg)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(s.score!.toFixed(1)).toBe(avg.toFixed(1));
    });
  }

  it('averages task metrics first, then tasks (Vega v2 exact value)', () => {
    const s = leaderboardScore(toRows(rows['Vega v2'].r));
    expect(s.taskScores.CB).toBeCloseTo(98.9, 12);
    expect(s.taskScores.MultiRC).toBeCloseTo(75.3, 12);
    expect(s.score).toBeCloseTo(730.25 / 8, 12);
  });

  it('ignores diagnostics and reports missing tasks without a score', () => {
    const full = toRows(rows.CBOW.r);
    const withDiag = leaderboardScore({ ...full, 'AX-b': { mcc: -100 } });
    expect(withDiag.score).toBe(leaderboardScore(full).score);
    const { ReCoRD: _drop, ...partial } = full;
    const s = leaderboardScore(partial);
    expect(s.score).toBeNull();
    expect(s.missingTasks).toEqual(['ReCoRD']);
    expect(s.partialScore).toBeCloseTo((355.85 - 13.8) / 7, 12);
  });

  it('refuses a task row without its metrics', () => {
    expect(() => leaderboardScore({ CB: { accuracy: 50 } })).toThrow(/CB needs metric "f1Macro"/);
  });
});
