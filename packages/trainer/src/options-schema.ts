// The one validator of the trainer's options: valibot schemas of `train()`'s options (every field:
// its type and range, the AdamW options and the schedule included) and of `arrayBatchSource`'s,
// then the rules across fields. Every failure is a TrainerConfigError naming the option (a dotted
// path such as `optimizer.betas[0]`) and its value.
import { AdamW } from '@selfevo/encoder-model';
import { showValue } from '@selfevo/utils';
import * as v from 'valibot';
import { TrainerConfigError } from './errors.js';

/** Bounds of accepted options (beyond them: TrainerConfigError). */
export const TRAINER_LIMITS = {
  /** `dataParallel.workers`: each worker is a thread with its own tfjs and a model replica. */
  maxWorkers: 256,
  /** `seed`: the run's generator is seeded with a uint32. */
  maxSeed: 2 ** 32 - 1,
} as const;

const POSITIVE_INT = 'must be a positive integer';
const positiveInt = v.pipe(v.number(POSITIVE_INT), v.safeInteger(POSITIVE_INT), v.minValue(1, POSITIVE_INT));
const NON_NEGATIVE_INT = 'must be an integer >= 0';
const nonNegativeInt = v.pipe(
  v.number(NON_NEGATIVE_INT),
  v.safeInteger(NON_NEGATIVE_INT),
  v.minValue(0, NON_NEGATIVE_INT),
);
const NON_NEGATIVE = 'must be a finite number >= 0';
const nonNegative = v.pipe(v.number(NON_NEGATIVE), v.finite(NON_NEGATIVE), v.minValue(0, NON_NEGATIVE));
const POSITIVE = 'must be a finite number > 0';
const positive = v.pipe(v.number(POSITIVE), v.finite(POSITIVE), v.gtValue(0, POSITIVE));
const BETA = 'must be a number in [0, 1)';
const beta = v.pipe(v.number(BETA), v.minValue(0, BETA), v.ltValue(1, BETA));
const NON_EMPTY = 'must be a non-empty string';
const nonEmptyString = v.pipe(v.string(NON_EMPTY), v.minLength(1, NON_EMPTY));
const bool = v.boolean('must be true or false');
const fn = (message: string) =>
  v.custom<(...args: never[]) => unknown>((x) => typeof x === 'function', message);
const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';
const hasMethods = (x: unknown, ...names: string[]) =>
  isObject(x) && names.every((n) => typeof x[n] === 'function');

/** `AdamWOptions` (when `optimizer` is options, not an `AdamW`); parameter groups are AdamW's to check. */
export const ADAMW_OPTIONS_SCHEMA = v.looseObject({
  lr: v.optional(nonNegative),
  betas: v.optional(v.tuple([beta, beta], 'must be a pair [beta1, beta2], each in [0, 1)')),
  eps: v.optional(positive),
  weightDecay: v.optional(nonNegative),
  fused: v.optional(bool),
  noDecay: v.optional(fn('must be a function (name, variable) => boolean')),
  parameterGroups: v.optional(
    v.array(v.custom(isObject, 'must be a parameter group object'), 'must be a list'),
  ),
});

/** The trainer's `ScheduleOptions`. */
export const SCHEDULE_SCHEMA = v.looseObject({
  schedule: v.picklist(['constant', 'linear', 'cosine'], 'must be "constant", "linear" or "cosine"'),
  peakLr: v.optional(nonNegative),
  minLr: v.optional(nonNegative),
  warmupSteps: v.optional(nonNegativeInt),
  totalSteps: v.optional(positiveInt),
  warmupRatio: v.optional(
    v.pipe(
      v.number('must be in [0, 1)'),
      v.minValue(0, 'must be in [0, 1)'),
      v.ltValue(1, 'must be in [0, 1)'),
    ),
  ),
});

const WORKERS = `must be an integer in [1, ${TRAINER_LIMITS.maxWorkers}]`;
const SEED = `must be an integer in [0, ${TRAINER_LIMITS.maxSeed}]`;

/** Every field of `TrainOptions` (type and range); the rules across fields are in `validateTrainOptions`. */
export const TRAIN_OPTIONS_SCHEMA = v.looseObject({
  model: v.custom(
    (x) => hasMethods(x, 'namedParameters', 'setTraining'),
    'must be a model with namedParameters() and setTraining()',
  ),
  lossFn: fn('must be a function (model, batch, training, ctx) => scalar loss'),
  trainData: v.custom(
    (x) => hasMethods(x, 'epochBatches'),
    'must be a BatchSource (an object with epochBatches())',
  ),
  evalFn: v.optional(fn('must be a function returning metrics by name')),
  metricForBest: v.optional(nonEmptyString),
  greaterIsBetter: v.optional(bool),
  optimizer: v.custom(
    (x) => x instanceof AdamW || (isObject(x) && !Array.isArray(x)),
    'must be AdamW options or an AdamW',
  ),
  parameters: v.optional(
    v.custom(
      (x) => typeof x === 'function' || (Array.isArray(x) && x.every((n) => typeof n === 'string')),
      'must be a list of parameter names or a predicate over the name',
    ),
  ),
  schedule: v.optional(SCHEDULE_SCHEMA),
  maxSteps: v.optional(positiveInt),
  epochs: v.optional(positiveInt),
  gradientAccumulationSteps: v.optional(positiveInt),
  // (Infinity, like 0, disables clipping)
  maxGradNorm: v.optional(v.pipe(v.number('must be a number >= 0'), v.minValue(0, 'must be a number >= 0'))),
  evalEverySteps: v.optional(positiveInt),
  saveEverySteps: v.optional(positiveInt),
  earlyStoppingPatience: v.optional(positiveInt),
  earlyStoppingThreshold: v.optional(nonNegative),
  outputDir: v.optional(nonEmptyString),
  saveTotalLimit: v.optional(positiveInt),
  loadBestModelAtEnd: v.optional(bool),
  logEverySteps: v.optional(positiveInt),
  seed: v.optional(
    v.pipe(v.number(SEED), v.integer(SEED), v.minValue(0, SEED), v.maxValue(TRAINER_LIMITS.maxSeed, SEED)),
  ),
  rng: v.optional(
    v.custom((x) => hasMethods(x, 'nextUint32', 'setState', 'getState'), 'must be a SeededRandom'),
  ),
  dataParallel: v.optional(
    v.looseObject({
      workers: v.pipe(
        v.number(WORKERS),
        v.integer(WORKERS),
        v.minValue(1, WORKERS),
        v.maxValue(TRAINER_LIMITS.maxWorkers, WORKERS),
      ),
      workerModule: v.custom(
        (x) => (typeof x === 'string' && x.length > 0) || x instanceof URL,
        'must be a URL or an absolute path of an ES module',
      ),
    }),
  ),
  resumeFrom: v.optional(nonEmptyString),
  overwriteOutputDir: v.optional(bool),
  onNonFinite: v.optional(v.picklist(['error', 'skip'], 'must be "error" or "skip"')),
  onLog: v.optional(fn('must be a function (record) => void')),
  callbacks: v.optional(
    v.array(v.custom(isObject, 'must be an object of hooks'), 'must be a list of callback objects'),
  ),
  progress: v.optional(
    v.picklist(['auto', 'bar', 'lines', 'none'], 'must be "auto", "bar", "lines" or "none"'),
  ),
  progressStream: v.optional(v.custom((x) => hasMethods(x, 'write'), 'must be a writable stream')),
});

/** `ArrayBatchSourceOptions`. */
export const ARRAY_BATCH_SOURCE_SCHEMA = v.looseObject({
  batchSize: positiveInt,
  shuffle: v.optional(bool),
  dropLast: v.optional(bool),
  collate: fn('must be a function (examples) => batch'),
});

/** `a.b[0]` from a valibot issue path, under `prefix`. */
function optionPath(issue: v.BaseIssue<unknown>, prefix: string): string {
  let out = prefix;
  for (const item of issue.path ?? []) {
    const key = item.key as string | number;
    out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : String(key);
  }
  return out;
}

/** A TrainerConfigError `<where><option> <reason>, got <value>`. */
export function configError(option: string, reason: string, value: unknown, where = ''): TrainerConfigError {
  return new TrainerConfigError(`${where}${option} ${reason}, got ${showValue(value)}`, { option, value });
}

/** Parse `input` with `schema`; the first problem is a TrainerConfigError naming the option. */
function check<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  prefix = '',
  where = '',
): v.InferOutput<S> {
  const parsed = v.safeParse(schema, input, { abortEarly: true });
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  throw configError(optionPath(issue, prefix), issue.message, issue.input, where);
}

/** Minimal shape of the options checked across fields (the full type is `TrainOptions`). */
interface CrossFieldOptions {
  maxSteps?: number;
  epochs?: number;
  evalFn?: unknown;
  evalEverySteps?: number;
  earlyStoppingPatience?: number;
  outputDir?: string;
  resumeFrom?: string;
  loadBestModelAtEnd?: boolean;
  schedule?: { warmupSteps?: number; warmupRatio?: number };
}

/**
 * Check `train()`'s options: every field (type and range, `optimizer` options and `schedule`
 * included), then the rules across fields. → TrainerConfigError naming the option and value.
 */
export function validateTrainOptions(opts: unknown): void {
  if (!isObject(opts)) throw configError('options', 'must be an object', opts);
  check(TRAIN_OPTIONS_SCHEMA, opts);
  if (!(opts.optimizer instanceof AdamW)) check(ADAMW_OPTIONS_SCHEMA, opts.optimizer, 'optimizer');
  const o = opts as CrossFieldOptions;
  if ((o.maxSteps === undefined) === (o.epochs === undefined))
    throw new TrainerConfigError('pass exactly one of maxSteps and epochs', { option: 'maxSteps' });
  if (o.earlyStoppingPatience !== undefined && !o.evalFn)
    throw new TrainerConfigError('earlyStoppingPatience needs evalFn (and evalEverySteps)', {
      option: 'earlyStoppingPatience',
    });
  if (o.evalFn && o.evalEverySteps === undefined)
    throw new TrainerConfigError('evalFn needs evalEverySteps', { option: 'evalEverySteps' });
  if (o.resumeFrom === 'latest' && o.outputDir === undefined)
    throw new TrainerConfigError("resumeFrom: 'latest' needs outputDir", { option: 'resumeFrom' });
  if (o.loadBestModelAtEnd && (!o.outputDir || !o.evalFn))
    throw new TrainerConfigError('loadBestModelAtEnd needs outputDir and evalFn', {
      option: 'loadBestModelAtEnd',
    });
  if (o.schedule?.warmupSteps !== undefined && o.schedule.warmupRatio !== undefined)
    throw new TrainerConfigError('pass at most one of schedule.warmupSteps and schedule.warmupRatio', {
      option: 'schedule.warmupRatio',
    });
}

/** Check `arrayBatchSource`'s examples and options. → TrainerConfigError naming the option. */
export function validateArrayBatchSource(examples: unknown, opts: unknown): void {
  const where = 'arrayBatchSource: ';
  if (!Array.isArray(examples)) throw configError('examples', 'must be an array', examples, where);
  if (!isObject(opts)) throw configError('options', 'must be an object', opts, where);
  check(ARRAY_BATCH_SOURCE_SCHEMA, opts, '', where);
}
