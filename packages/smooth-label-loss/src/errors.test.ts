import { SelfevoError, ShapeMismatchError as SharedShapeMismatchError } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import { LabelRangeError, LossConfigError, ShapeMismatchError, SmoothLabelLossError } from './index.js';

describe('errors', () => {
  it('every error of this package is a SmoothLabelLossError, a SelfevoError', () => {
    for (const cls of [LossConfigError, LabelRangeError]) {
      const e = new cls('alpha', 'must be in [0, 1), got 2');
      expect(e).toBeInstanceOf(SmoothLabelLossError);
      expect(e).toBeInstanceOf(SelfevoError);
      expect(e.name).toBe(cls.name);
      expect(e.parameter).toBe('alpha');
      expect(e.message).toBe('alpha: must be in [0, 1), got 2');
    }
  });

  it('ShapeMismatchError is the one shared class of @selfevo/utils (instanceof works across packages)', () => {
    expect(ShapeMismatchError).toBe(SharedShapeMismatchError);
    expect(new ShapeMismatchError('labels', 'x')).toBeInstanceOf(SelfevoError);
  });
});
