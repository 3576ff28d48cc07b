// The constructor arguments of the encoder and its heads, checked before any parameter is
// allocated: the config (a `BertConfig` may be built by hand, bypassing `configFromHf`) and the
// options (valibot schemas). Every failure is a ConfigError naming the option and the value.
import * as v from 'valibot';
import { type BertConfig, configToHf } from './config.js';
import { CONFIG_LIMITS, validateHfConfig } from './config-schema.js';
import { ConfigError } from './errors.js';
import { SeededRandom } from './rng.js';

/** A config handed to a constructor: re-validated as its `config.json` would be. */
export function checkModelConfig(config: unknown): BertConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new ConfigError('must be a BertConfig (see configFromHf / makeConfig)', {
      field: 'config',
      value: config,
    });
  validateHfConfig(configToHf(config as BertConfig));
  return config as BertConfig;
}

const integer = (min: number, max: number) => {
  const m = `must be an integer in [${min}, ${max}]`;
  return v.optional(v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m)));
};

/** Options of `BertModel` and of every head (the heads' own are checked where they are used). */
export const MODULE_OPTIONS_SCHEMA = v.looseObject({
  seed: v.optional(v.pipe(v.number('must be a finite number'), v.finite('must be a finite number'))),
  rng: v.optional(v.instance(SeededRandom, 'must be a SeededRandom')),
  addPoolingLayer: v.optional(v.boolean('must be a boolean')),
  numLabels: integer(1, CONFIG_LIMITS.maxWidth),
  /** Spans per example of the span classifier (WiC 2, WSC 2). */
  numSpans: integer(1, 64),
  useCls: v.optional(v.boolean('must be a boolean')),
});

/** `opts` by the schema, and the classifier it implies within the parameter ceiling. */
export function checkModuleOptions(config: BertConfig, opts: unknown): void {
  const r = v.safeParse(MODULE_OPTIONS_SCHEMA, opts ?? {}, { abortEarly: true });
  if (!r.success) {
    const issue = r.issues[0];
    const field = issue.path?.map((p) => String(p.key)).join('.') ?? 'options';
    throw new ConfigError(issue.message, { field, value: issue.input });
  }
  const { numLabels = 1, numSpans = 1, useCls = false } = r.output;
  const classifier = (numSpans + (useCls ? 1 : 0)) * config.hiddenSize * numLabels;
  if (classifier > CONFIG_LIMITS.maxParameters)
    throw new ConfigError(
      `needs a classifier of ${classifier} parameters (hidden_size ${config.hiddenSize}), over the ceiling of 2^31`,
      { field: 'numLabels', value: numLabels },
    );
}
