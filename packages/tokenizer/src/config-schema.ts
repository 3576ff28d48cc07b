// The one way this package validates its inputs at the boundary: valibot schemas (one per component
// kind and per file), run by `parseWith` / `parseComponent`, whose errors are `TokenizerConfigError`s
// (or the class a caller passes) naming the file, the field path and the value. The large tables of
// a tokenizer.json (vocab, merges) are checked by the loops of models/model.ts and models/bpe.ts, with
// the same kind of message, because a schema over 50,000 entries would double the load time.
import * as v from 'valibot';
import { preview, TokenizerConfigError } from './errors.js';

/** Largest token id accepted (HF stores ids as u32; JS arrays index below 2^32 - 1). */
export const MAX_TOKEN_ID = 2 ** 31 - 1;

/** Deepest nesting of `Sequence` components (normalizers, pre-tokenizers, decoders). */
export const MAX_NESTING = 32;

export const TokenIdSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_TOKEN_ID));

/** A non-negative integer up to `max`. */
export const countSchema = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));

/** An HF pattern: `{"String": "..."}` (matched literally) or `{"Regex": "..."}` (Oniguruma syntax). */
export const PatternSchema = v.pipe(
  v.looseObject({ String: v.optional(v.string()), Regex: v.optional(v.string()) }),
  v.check(
    (p) => (p.String === undefined) !== (p.Regex === undefined),
    'a {"String": ...} or {"Regex": ...} object',
  ),
  v.transform((p) => (p.String !== undefined ? { String: p.String } : { Regex: p.Regex as string })),
);

type Issue = v.BaseIssue<unknown>;

/**
 * `where.field[3].sub: expected ..., got ...` for the first issue valibot reports. A `where` that ends
 * with ':' names a file: `tokenizer.json: added_tokens[0].id: ...`.
 */
export function describeIssue(where: string, issue: Issue): string {
  let path = where;
  for (const p of issue.path ?? []) {
    const key = typeof p.key === 'number' ? `[${p.key}]` : String(p.key as string);
    path += path.endsWith(':') ? ` ${key}` : typeof p.key === 'number' ? key : `.${key}`;
  }
  if (path.endsWith(':')) path = path.slice(0, -1);
  if (issue.type === 'union' && issue.issues !== undefined) {
    // the option that got furthest into the value says best what is wrong
    const deepest = issue.issues.reduce((a, b) => ((b.path?.length ?? 0) > (a.path?.length ?? 0) ? b : a));
    if ((deepest.path?.length ?? 0) > 0) return describeIssue(path, deepest);
  }
  if (issue.type === 'check' || issue.type === 'custom') return `${path}: expected ${issue.message}`;
  if (issue.input === undefined && issue.kind === 'schema') return `${path}: missing`;
  return `${path}: expected ${issue.expected ?? issue.type}, got ${preview(issue.input)}`;
}

/**
 * Validate `value` with `schema`: its output, or a `TokenizerConfigError` (or `ErrorClass`) naming
 * `where` (file and field) plus the path inside, what was expected and what came.
 */
export function parseWith<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  where: string,
  ErrorClass: new (message: string) => Error = TokenizerConfigError,
): v.InferOutput<S> {
  const r = v.safeParse(schema, value, { abortEarly: true });
  if (r.success) return r.output;
  throw new ErrorClass(describeIssue(where, r.issues[0]));
}

/**
 * A tokenizer.json component (`{"type": ..., ...}`) validated by the schema of its type; an unknown
 * type is an error naming the kind ("unknown normalizer type \"Foo\"").
 */
export function parseComponent<M extends Record<string, v.GenericSchema>>(
  kind: string,
  schemas: M,
  j: unknown,
  where: string,
): v.InferOutput<M[keyof M]> {
  if (j === null || typeof j !== 'object' || Array.isArray(j))
    throw new TokenizerConfigError(`${where}: expected a ${kind} object with a "type", got ${preview(j)}`);
  const type = (j as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(schemas, type))
    throw new TokenizerConfigError(`${where}: unknown ${kind} type ${preview(type)}`);
  return parseWith(schemas[type], j, where);
}

/** Refuse `Sequence` components nested deeper than `MAX_NESTING`. */
export function checkNesting(depth: number, where: string): void {
  if (depth > MAX_NESTING)
    throw new TokenizerConfigError(`${where}: Sequence components nested deeper than ${MAX_NESTING}`);
}

/** JSON text → value, or a `TokenizerConfigError` naming `file`. A leading BOM (U+FEFF) is skipped. */
export function parseJsonText(text: string, file: string, ErrorClass = TokenizerConfigError): unknown {
  try {
    return JSON.parse(stripBom(text));
  } catch (e) {
    throw new ErrorClass(`${file}: not valid JSON (${(e as Error).message.slice(0, 200)})`);
  }
}

/** `text` without a leading byte-order mark (U+FEFF), which editors on Windows like to write. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
