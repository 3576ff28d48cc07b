import { previewValue } from '@selfevo/superglue-tasks';
import { DataFormatError } from '../errors.js';

/** Where a value sits, for error messages: file, line and a dotted field path. */
export interface FieldContext {
  file: string;
  line: number;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isInteger(v)) return 'integer';
  return typeof v;
}

export function requireObject(v: unknown, ctx: FieldContext, field: string): Record<string, unknown> {
  if (!isPlainObject(v))
    throw new DataFormatError(ctx.file, ctx.line, field, `expected an object, got ${describeType(v)}`);
  return v;
}

export function requireArray(v: unknown, ctx: FieldContext, field: string): unknown[] {
  if (!Array.isArray(v))
    throw new DataFormatError(ctx.file, ctx.line, field, `expected an array, got ${describeType(v)}`);
  return v;
}

export function requireString(v: unknown, ctx: FieldContext, field: string): string {
  if (typeof v !== 'string')
    throw new DataFormatError(ctx.file, ctx.line, field, `expected a string, got ${describeType(v)}`);
  return v;
}

export function requireInteger(v: unknown, ctx: FieldContext, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new DataFormatError(
      ctx.file,
      ctx.line,
      field,
      `expected an integer, got ${describeType(v)} ${previewValue(v)}`,
    );
  }
  return v;
}

/** An official `idx`: an integer, or (AX-b only) a string of digits. */
export function requireIdx(
  v: unknown,
  ctx: FieldContext,
  field: string,
  allowString: boolean,
): number | string {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (allowString && typeof v === 'string' && v.length > 0) return v;
  throw new DataFormatError(
    ctx.file,
    ctx.line,
    field,
    `expected ${allowString ? 'an integer or string' : 'an integer'} idx, got ${describeType(v)} ${previewValue(v)}`,
  );
}
