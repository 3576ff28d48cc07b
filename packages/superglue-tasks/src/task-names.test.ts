import { SelfevoError } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

// Hostile task names: every function that turns a task name into a path, a label set or a file
// name goes through the allow-list, so these end in UnknownTaskError naming the value.
const HOSTILE: unknown[] = [
  '..',
  '../..',
  '../CB',
  'CB/../..',
  '/etc',
  'C:\\Windows',
  'CB\0',
  '',
  ' CB',
  'MNLI',
  '__proto__',
  'constructor',
  'toString',
  42,
  null,
  undefined,
  {},
  ['CB'],
];

describe('task names through the allow-list', () => {
  it('parseTaskName: exact names, and case-insensitive aliases of them', () => {
    for (const task of api.TASKS) {
      expect(api.parseTaskName(task)).toBe(task);
      expect(api.parseTaskName(task.toLowerCase())).toBe(task);
      expect(api.parseTaskName(task.toUpperCase())).toBe(task);
    }
    expect(api.parseTaskName('boolq')).toBe('BoolQ');
    expect(api.parseTaskName('ax-b')).toBe('AX-b');
  });

  it.each(HOSTILE.map((v) => [v]))('refuses %j with UnknownTaskError naming it', (value) => {
    let err: unknown;
    try {
      api.parseTaskName(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(api.UnknownTaskError);
    expect(err).toBeInstanceOf(api.SuperGlueTasksError);
    expect(err).toBeInstanceOf(SelfevoError);
    expect((err as api.UnknownTaskError).value).toBe(value);
    expect((err as Error).message).toMatch(/unknown SuperGLUE task/);
  });

  it('path and label functions refuse a name outside the list (no path is built from it)', () => {
    const bad = '../../home' as never;
    expect(() => api.splitFile(bad, 'train')).toThrow(api.UnknownTaskError);
    expect(() => api.splitPathInData(bad, 'train')).toThrow(api.UnknownTaskError);
    expect(() => api.submissionFileName(bad)).toThrow(api.UnknownTaskError);
    expect(() => api.splitsOf(bad)).toThrow(api.UnknownTaskError);
    expect(() => api.isLabelledSplit(bad, 'train')).toThrow(api.UnknownTaskError);
    // before: TypeError "Cannot read properties of undefined"
    expect(() => api.labelIndex('MNLI' as never, 'entailment')).toThrow(api.UnknownTaskError);
    expect(() => api.labelName('MNLI' as never, 0)).toThrow(api.UnknownTaskError);
    expect(() => api.isLabel('MNLI' as never, 'entailment')).toThrow(api.UnknownTaskError);
    // ReCoRD has no closed label set: a typed error, not a TypeError
    expect(() => api.labelIndex('ReCoRD' as never, 'x')).toThrow(api.UnknownLabelError);
    expect(() => api.labelName('ReCoRD' as never, 0)).toThrow(/ReCoRD has no class indices/);
  });

  it('file names use the canonical spelling of an alias', () => {
    expect(api.splitPathInData('cb' as never, 'val')).toBe('CB/val.jsonl');
    expect(api.submissionFileName('ax-g' as never)).toBe('AX-g.jsonl');
  });

  it('a label value that is a deep structure is named without overflowing the stack', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => api.labelIndex('CB', deep as never)).toThrow(api.UnknownLabelError);
  });
});
