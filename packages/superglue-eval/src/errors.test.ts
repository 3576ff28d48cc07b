import { SelfevoError } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('errors', () => {
  it('every exported error class extends SuperGlueEvalError, itself a SelfevoError', () => {
    const classes = Object.entries(api).filter(
      ([name, v]) => typeof v === 'function' && name.endsWith('Error'),
    ) as [string, new (...args: never[]) => Error][];
    // the schema's errors (task names, zip limits and format) come from @selfevo/superglue-tasks
    const schema = ['UnknownTaskError', 'ZipFormatError', 'ZipLimitError'];
    expect(classes.map(([n]) => n).sort()).toEqual(
      [
        'DataFormatError',
        'EvalOptionError',
        'InputLimitError',
        'InvalidGoldError',
        'InvalidPredictionError',
        'MetricInputError',
        'MissingReferenceError',
        'SuperGlueEvalError',
        'UsageError',
        ...schema,
      ].sort(),
    );
    for (const [name, cls] of classes) {
      expect(cls.prototype, name).toBeInstanceOf(SelfevoError);
      if (schema.includes(name)) continue;
      expect(cls === api.SuperGlueEvalError || cls.prototype instanceof api.SuperGlueEvalError, name).toBe(
        true,
      );
    }
  });

  it('keep their fields and are named after their class', () => {
    const e = new api.DataFormatError('CB.jsonl', 3, 'label', 'not a string');
    expect(e.name).toBe('DataFormatError');
    expect(e.message).toBe('CB.jsonl:3 (field label): not a string');
    expect([e.file, e.line, e.field]).toEqual(['CB.jsonl', 3, 'label']);
    expect(() => api.macroF1([1], [1], [])).toThrow(api.MetricInputError);
    expect(() => api.recordScores([['a']], [])).toThrow(
      /recordScores: gold and prediction counts differ \(1 vs 0\)/,
    );
  });
});
