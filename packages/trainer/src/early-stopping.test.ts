import { describe, expect, it } from 'vitest';
import { BestMetricTracker } from './early-stopping.js';

describe('BestMetricTracker', () => {
  it('tracks the best step and stops after `patience` evaluations without improvement', () => {
    const t = new BestMetricTracker({ greaterIsBetter: true, patience: 2 });
    const seq: [number, number][] = [
      [10, 0.5],
      [20, 0.6],
      [30, 0.6], // tie: not an improvement
      [40, Number.NaN], // NaN never improves
    ];
    const best = seq.map(([s, v]) => t.update(s, v));
    expect(best).toEqual([true, true, false, false]);
    expect(t.bestStep).toBe(20);
    expect(t.bestValue).toBe(0.6);
    expect(t.shouldStop).toBe(true);
  });

  it('resets the counter on improvement, honours threshold, and round-trips its state', () => {
    const t = new BestMetricTracker({ greaterIsBetter: false, patience: 3, threshold: 0.1 });
    t.update(1, 1.0);
    t.update(2, 0.95); // not better by more than 0.1
    t.update(3, 0.85);
    expect(t.bestStep).toBe(3);
    expect(t.getState().badEvals).toBe(0);
    t.update(4, 0.9);
    const copy = new BestMetricTracker({ greaterIsBetter: false, patience: 3, threshold: 0.1 });
    copy.setState(JSON.parse(JSON.stringify(t.getState())));
    expect(copy.getState()).toEqual({ bestValue: 0.85, bestStep: 3, badEvals: 1 });
    copy.update(5, 0.9);
    expect(copy.shouldStop).toBe(false);
    copy.update(6, 0.9);
    expect(copy.shouldStop).toBe(true);
  });

  it('never stops without patience and rejects a bad patience', () => {
    const t = new BestMetricTracker({ greaterIsBetter: true });
    for (let i = 0; i < 10; i++) t.update(i, 0);
    expect(t.shouldStop).toBe(false);
    expect(() => new BestMetricTracker({ greaterIsBetter: true, patience: 0 })).toThrow(/patience/i);
  });
});
