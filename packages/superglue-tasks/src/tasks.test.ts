import { describe, expect, it } from 'vitest';
import {
  DIAGNOSTIC_TASKS,
  isDiagnostic,
  isScoredTask,
  isSingleLabelTask,
  isTaskName,
  SCORED_TASKS,
  TASKS,
} from './tasks.js';

describe('task names', () => {
  it('lists the ten tasks with their official spelling: eight scored, two diagnostics', () => {
    expect(TASKS).toEqual(['BoolQ', 'CB', 'COPA', 'MultiRC', 'ReCoRD', 'RTE', 'WiC', 'WSC', 'AX-b', 'AX-g']);
    expect([...SCORED_TASKS, ...DIAGNOSTIC_TASKS]).toEqual([...TASKS]);
    expect(TASKS.filter(isScoredTask)).toEqual([...SCORED_TASKS]);
    expect(TASKS.filter(isDiagnostic)).toEqual(['AX-b', 'AX-g']);
  });

  it('recognises names case-sensitively', () => {
    expect(isTaskName('AX-b')).toBe(true);
    expect(isTaskName('WiC')).toBe(true);
    expect(isTaskName('wic')).toBe(false);
    expect(isTaskName('AXb')).toBe(false);
    expect(isTaskName('MNLI')).toBe(false);
  });

  it('single-label tasks are all but MultiRC and ReCoRD', () => {
    expect(TASKS.filter((t) => !isSingleLabelTask(t))).toEqual(['MultiRC', 'ReCoRD']);
  });
});
