// The one way this package checks its public inputs: a valibot schema per option kind, parsed at
// the boundary by `parseOptions`, which turns the first issue into a `DatasetOptionError` naming
// the option (a dotted path) and the value. Names that become paths go through the schema's
// allow-list (`parseTaskName`). JSONL records are checked field by field by `RecordChecker`.
import { previewValue } from '@selfevo/superglue-tasks';
import * as v from 'valibot';
import { DatasetOptionError } from './errors.js';

type Issue = v.BaseIssue<unknown>;
const got = (issue: Issue) => `got ${previewValue(issue.input)}`;
const MAX_TIMER_MS = 2_147_483_647;

/** An integer `>= min` (and `<= max`), each failure with its own message. */
function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return v.pipe(
    v.number((i) => `must be a number, ${got(i)}`),
    v.integer((i) => `must be an integer, ${got(i)}`),
    v.minValue(min, (i) => `must be >= ${min}, ${got(i)}`),
    v.maxValue(max, (i) => `must be <= ${max}, ${got(i)}`),
  );
}

/** A finite number in `(0, max]`. */
function positive(max = Number.MAX_VALUE) {
  return v.pipe(
    v.number((i) => `must be a number, ${got(i)}`),
    v.check(
      (x) => x > 0 && x <= max,
      (i) => `must be a number in (0, ${max}], ${got(i)}`,
    ),
  );
}

const flag = v.boolean((i) => `must be true or false, ${got(i)}`);
const callback = v.custom<(...args: never[]) => unknown>(
  (x) => typeof x === 'function',
  (i) => `must be a function, ${got(i)}`,
);
const nonEmptyString = v.pipe(
  v.string((i) => `must be a string, ${got(i)}`),
  v.nonEmpty(() => 'must not be empty'),
  v.check(
    (s) => !s.includes('\0'),
    () => 'must not contain a NUL byte',
  ),
);
const object = <T extends v.ObjectEntries>(entries: T) =>
  v.object(entries, (i) => `must be an object, ${got(i)}`);

export const CollateOptionsSchema = object({
  padTokenId: integer(0, 2 ** 31 - 1),
  padToMultipleOf: v.optional(integer(1, 1 << 16)),
  minLength: v.optional(integer(0, 1 << 20)),
});

export const BatchOptionsSchema = object({
  ...CollateOptionsSchema.entries,
  batchSize: integer(1, 1 << 24),
  shuffle: v.optional(flag),
  seed: v.optional(integer(Number.MIN_SAFE_INTEGER)),
  bucketBatches: v.optional(integer(0, 1 << 24)),
  groupKey: v.optional(callback),
  dropLast: v.optional(flag),
});

export const FormulateOptionsSchema = v.pipe(
  object({
    maxLength: v.optional(integer(4, 1 << 16)),
    stride: v.optional(integer(0, 1 << 16)),
  }),
  v.forward(
    v.check(
      (o) => o.stride === undefined || o.stride < (o.maxLength ?? 512),
      (i) => {
        const o = i.input as { stride: number; maxLength?: number };
        return `must be smaller than maxLength (${o.maxLength ?? 512}), got ${o.stride}`;
      },
    ),
    ['stride'],
  ),
);

export const ReadOptionsSchema = object({
  lenient: v.optional(flag),
  labelled: v.optional(flag),
  onSkip: v.optional(callback),
  maxLineBytes: v.optional(integer(1, 1 << 30)),
});

export const SplitOptionsSchema = object({ ...ReadOptionsSchema.entries, dir: v.optional(nonEmptyString) });

export const ZipLimitsSchema = object({
  maxArchiveBytes: v.optional(integer(1)),
  maxEntries: v.optional(integer(1, 1 << 24)),
  maxEntryBytes: v.optional(integer(1)),
  maxTotalBytes: v.optional(integer(1)),
  maxRatio: v.optional(positive()),
});

export const DownloadOptionsSchema = object({
  cacheDir: v.optional(nonEmptyString),
  baseUrl: v.optional(nonEmptyString),
  sha256: v.optional(
    v.pipe(
      v.string((i) => `must be 64 hex digits, ${got(i)}`),
      v.regex(/^[0-9a-fA-F]{64}$/, (i) => `must be 64 hex digits, ${got(i)}`),
    ),
  ),
  allowUnverified: v.optional(flag),
  progress: v.optional(v.union([flag, callback], (i) => `must be a boolean or a function, ${got(i)}`)),
  force: v.optional(flag),
  retries: v.optional(integer(0, 100)),
  timeoutMs: v.optional(positive(MAX_TIMER_MS)),
  idleTimeoutMs: v.optional(positive(MAX_TIMER_MS)),
  backoff: v.optional(
    object({
      initialMs: v.optional(positive(MAX_TIMER_MS)),
      maxMs: v.optional(positive(MAX_TIMER_MS)),
      factor: v.optional(positive(100)),
      random: v.optional(callback),
    }),
  ),
  zipLimits: v.optional(ZipLimitsSchema),
});

export const SourceOptionsSchema = object({
  dir: v.optional(nonEmptyString),
  download: v.optional(
    v.union([flag, DownloadOptionsSchema], (i) => `must be a boolean or download options, ${got(i)}`),
  ),
});

/**
 * Checks `value` (default `{}`) against `schema`; the first problem throws `DatasetOptionError`
 * whose `parameter` is the option's path (`batchSize`, `backoff.initialMs`, `options`).
 * Returns the input itself (not a copy), so callbacks and extra fields pass through untouched.
 */
export function parseOptions<S extends v.GenericSchema, T = v.InferInput<S>>(
  schema: S,
  value: T | undefined,
  where = 'options',
): T {
  const input = value ?? ({} as T);
  const result = v.safeParse(schema, input);
  if (result.success) return input;
  // A union's own issue is vague ("must be a boolean or …"): name the deepest field instead.
  const candidates: Issue[] = [result.issues[0], ...(result.issues[0].issues ?? [])];
  const issue = candidates.reduce((a, b) => ((b.path?.length ?? 0) > (a.path?.length ?? 0) ? b : a));
  throw new DatasetOptionError(v.getDotPath(issue) ?? where, issue.message);
}
