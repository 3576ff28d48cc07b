import { previewValue } from '@selfevo/superglue-tasks';
import { SuperGlueFormatError } from './errors.js';

/** JSON type name of a parsed value, for error messages. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

type Json = Record<string, unknown>;

/** Field-level checks of one parsed JSONL record; every failure names file, line and field path. */
export class RecordChecker {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {}

  fail(field: string | undefined, reason: string): never {
    throw new SuperGlueFormatError({ file: this.file, line: this.line, field }, reason);
  }

  object(value: unknown, field: string | undefined): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, `expected an object, got ${jsonType(value)}`);
    }
    return value as Json;
  }

  private present(obj: Json, key: string, path: string): unknown {
    const value = obj[key];
    if (value === undefined) this.fail(path, 'missing field');
    return value;
  }

  string(obj: Json, key: string, path = key): string {
    const value = this.present(obj, key, path);
    if (typeof value !== 'string') this.fail(path, `expected a string, got ${jsonType(value)}`);
    return value;
  }

  int(obj: Json, key: string, path = key, min = Number.NEGATIVE_INFINITY): number {
    const value = this.present(obj, key, path);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(path, `expected an integer, got ${jsonType(value)}`);
    }
    if (value < min) this.fail(path, `expected an integer >= ${min}, got ${value}`);
    return value;
  }

  optionalNumber(obj: Json, key: string, path = key): number | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number') this.fail(path, `expected a number, got ${jsonType(value)}`);
    return value;
  }

  optionalString(obj: Json, key: string, path = key): string | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(path, `expected a string, got ${jsonType(value)}`);
    return value;
  }

  array(obj: Json, key: string, path = key): unknown[] {
    const value = this.present(obj, key, path);
    if (!Array.isArray(value)) this.fail(path, `expected an array, got ${jsonType(value)}`);
    return value;
  }

  /**
   * A label from a closed set. `required` is true for labelled splits (train, val); in a test split
   * the label may be absent. A label of the wrong JSON type and an unknown value are both errors.
   */
  label<V extends string | number | boolean>(
    obj: Json,
    allowed: readonly V[],
    required: boolean,
    key = 'label',
    path = key,
  ): V | undefined {
    const value = obj[key];
    if (value === undefined) {
      if (required) this.fail(path, 'missing field (labelled split)');
      return undefined;
    }
    const expectedType = typeof allowed[0];
    if (typeof value !== expectedType) {
      this.fail(path, `expected a ${expectedType} label, got ${jsonType(value)} ${previewValue(value)}`);
    }
    if (!allowed.includes(value as V)) {
      this.fail(
        path,
        `unknown label ${previewValue(value)} (expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')})`,
      );
    }
    return value as V;
  }
}
