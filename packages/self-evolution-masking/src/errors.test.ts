import { SelfevoError, ShapeMismatchError as SharedShapeMismatchError } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import {
  MaskingConfigError,
  SelectionFormatError,
  SelectionMismatchError,
  SelfEvolutionMaskingError,
  ShapeMismatchError,
} from './index.js';

describe('errors', () => {
  it('every error of this package is a SelfEvolutionMaskingError, a SelfevoError', () => {
    const errors = [
      new MaskingConfigError('maskRatio', 'must be in (0, 1), got 0'),
      new SelectionMismatchError('positions', 'position 40 is past the sequence length 32'),
      new SelectionFormatError('sel.jsonl', 3, 'not JSON'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(SelfEvolutionMaskingError);
      expect(e).toBeInstanceOf(SelfevoError);
      expect(e.name).toBe(e.constructor.name);
    }
    expect(errors.map((e) => e.message)).toEqual([
      'maskRatio: must be in (0, 1), got 0',
      'positions: position 40 is past the sequence length 32',
      'sel.jsonl:3: not JSON',
    ]);
  });

  it('ShapeMismatchError is the one shared class of @selfevo/utils (the losses re-export it too)', () => {
    expect(ShapeMismatchError).toBe(SharedShapeMismatchError);
  });
});
