import { SelfevoError } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import { SuperGlueTasksError, UnknownLabelError } from './errors.js';
import { isLabel, LABELS, labelIndex, labelName } from './labels.js';
import { TASKS } from './tasks.js';

describe('label sets', () => {
  it('fixes the class order of every classification task', () => {
    expect(LABELS).toEqual({
      BoolQ: [false, true],
      CB: ['entailment', 'contradiction', 'neutral'],
      COPA: [0, 1],
      MultiRC: [0, 1],
      RTE: ['entailment', 'not_entailment'],
      WiC: [false, true],
      WSC: [false, true],
      'AX-b': ['entailment', 'not_entailment'],
      'AX-g': ['entailment', 'not_entailment'],
    });
    expect(Object.keys(LABELS)).toEqual(TASKS.filter((t) => t !== 'ReCoRD'));
  });

  it('labelIndex and labelName are inverse', () => {
    for (const [task, labels] of Object.entries(LABELS) as [keyof typeof LABELS, readonly unknown[]][])
      labels.forEach((label, i) => {
        expect(labelIndex(task, label as never)).toBe(i);
        expect(labelName(task, i)).toBe(label);
      });
  });

  it('isLabel: exact values only (no string/boolean coercion); ReCoRD takes any string', () => {
    expect(isLabel('BoolQ', true)).toBe(true);
    expect(isLabel('BoolQ', 'true')).toBe(false);
    expect(isLabel('COPA', 1)).toBe(true);
    expect(isLabel('COPA', '1')).toBe(false);
    expect(isLabel('CB', 'neutral')).toBe(true);
    expect(isLabel('RTE', 'neutral')).toBe(false);
    expect(isLabel('ReCoRD', 'Marie Curie')).toBe(true);
    expect(isLabel('ReCoRD', 3)).toBe(false);
  });

  it('throws a typed error naming the task and the value', () => {
    let err: unknown;
    try {
      labelIndex('RTE', 'neutral');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownLabelError);
    expect(err).toBeInstanceOf(SuperGlueTasksError);
    expect(err).toBeInstanceOf(SelfevoError);
    expect((err as UnknownLabelError).task).toBe('RTE');
    expect((err as UnknownLabelError).label).toBe('neutral');
    expect((err as Error).message).toMatch(/unknown RTE label "neutral"/);
    expect(() => labelName('CB', 3)).toThrow(/CB has no class index 3/);
    expect(() => labelName('CB', 0.5)).toThrow(UnknownLabelError);
  });
});
