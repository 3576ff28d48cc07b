// The one way this package checks its public options: a valibot schema per option kind, parsed
// at the boundary by `parseOptions`, whose first issue throws `EvalOptionError` naming the option
// (a dotted path) and the value. Task names go through the allow-list of @selfevo/superglue-tasks
// (`parseTaskName`); file content (gold records, prediction lines) through `data/fields.ts`.
import { previewValue, SPLITS } from '@selfevo/superglue-tasks';
import * as v from 'valibot';
import { EvalOptionError } from './errors.js';

type Issue = v.BaseIssue<unknown>;
const got = (issue: Issue) => `got ${previewValue(issue.input)}`;

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return v.pipe(
    v.number((i) => `must be a number, ${got(i)}`),
    v.integer((i) => `must be an integer, ${got(i)}`),
    v.minValue(min, (i) => `must be >= ${min}, ${got(i)}`),
    v.maxValue(max, (i) => `must be <= ${max}, ${got(i)}`),
  );
}

const path = v.pipe(
  v.string((i) => `must be a path, ${got(i)}`),
  v.nonEmpty(() => 'must not be empty'),
  v.check(
    (s) => !s.includes('\0'),
    () => 'must not contain a NUL byte',
  ),
);
const object = <T extends v.ObjectEntries>(entries: T) =>
  v.object(entries, (i) => `must be an object, ${got(i)}`);

export const LimitsSchema = object({
  maxPredictionFileBytes: v.optional(integer(1)),
  maxPredictionLines: v.optional(integer(1)),
  maxLineLength: v.optional(integer(1, 2 ** 29)),
  maxListedProblems: v.optional(integer(1)),
  maxReferenceFileBytes: v.optional(integer(1)),
  maxArchiveBytes: v.optional(integer(1)),
  maxEntries: v.optional(integer(1, 1 << 24)),
  maxEntryBytes: v.optional(integer(1)),
  maxTotalBytes: v.optional(integer(1)),
  maxRatio: v.optional(
    v.pipe(
      v.number((i) => `must be a number, ${got(i)}`),
      v.check(
        (x) => x >= 1 && x < Number.POSITIVE_INFINITY,
        (i) => `must be a finite number >= 1, ${got(i)}`,
      ),
    ),
  ),
});

export const ScoreFolderOptionsSchema = object({
  recordReference: v.optional(path),
  limits: v.optional(LimitsSchema),
});

export const ValidateOptionsSchema = object({
  ...ScoreFolderOptionsSchema.entries,
  split: v.optional(v.picklist(SPLITS, (i) => `must be one of ${SPLITS.join(', ')}, ${got(i)}`)),
});

export const ParseOptionsSchema = object({
  maxLineLength: v.optional(integer(1, 2 ** 29)),
  maxPredictionLines: v.optional(integer(1)),
  maxListedProblems: v.optional(integer(1)),
});

export const WriteSubmissionOptionsSchema = object({
  zipPath: v.optional(path),
  reference: v.optional(object({})),
});

/**
 * Checks `value` (default `{}`) against `schema`; the first problem throws `EvalOptionError` whose
 * `parameter` is the option's path. Returns the input itself (callbacks and extra fields untouched).
 */
export function parseOptions<S extends v.GenericSchema, T = v.InferInput<S>>(
  schema: S,
  value: T | undefined,
  where = 'options',
): T {
  const input = value ?? ({} as T);
  const result = v.safeParse(schema, input);
  if (result.success) return input;
  const candidates: Issue[] = [result.issues[0], ...(result.issues[0].issues ?? [])];
  const issue = candidates.reduce((a, b) => ((b.path?.length ?? 0) > (a.path?.length ?? 0) ? b : a));
  throw new EvalOptionError(v.getDotPath(issue) ?? where, issue.message);
}
