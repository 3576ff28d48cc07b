import { describe, expect, it } from 'vitest';
import { SelfevoError, ShapeMismatchError } from './selfevo-error.js';

class PackageError extends SelfevoError {}
class FieldError extends PackageError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`, { code: 'ERR_FIELD' });
  }
}

describe('SelfevoError', () => {
  it('names every subclass after itself without each one setting `name`', () => {
    const e = new FieldError('batchSize', 'must be >= 1, got 0');
    expect(e.name).toBe('FieldError');
    expect(new PackageError('x').name).toBe('PackageError');
    expect(new SelfevoError('x').name).toBe('SelfevoError');
    expect(String(e)).toBe('FieldError: batchSize: must be >= 1, got 0');
  });

  it('is caught by the base, the package class and Error, and keeps its own fields', () => {
    const e: unknown = new FieldError('seed', 'not finite');
    expect(e).toBeInstanceOf(SelfevoError);
    expect(e).toBeInstanceOf(PackageError);
    expect(e).toBeInstanceOf(Error);
    expect((e as FieldError).field).toBe('seed');
    expect((e as FieldError).code).toBe('ERR_FIELD');
    expect(new PackageError('x').code).toBeUndefined();
  });

  it('passes the cause on', () => {
    const cause = new Error('EACCES');
    const e = new SelfevoError('cannot write', { cause });
    expect(e.cause).toBe(cause);
    expect('cause' in new SelfevoError('no cause')).toBe(false);
  });

  it('has a stack', () => {
    expect(new PackageError('x').stack).toContain('PackageError');
  });

  it('ShapeMismatchError names the argument', () => {
    const e = new ShapeMismatchError('labels', 'expected 6 rows, got 5');
    expect(e).toBeInstanceOf(SelfevoError);
    expect(e.name).toBe('ShapeMismatchError');
    expect(e.parameter).toBe('labels');
    expect(e.message).toBe('labels: expected 6 rows, got 5');
  });
});
