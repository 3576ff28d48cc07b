// The one validator of encoder configs: a valibot schema of HF `config.json` (per field) plus the
// checks across fields (divisibility, padding id in the vocabulary, the parameter ceiling).
// Every failure is a ConfigError naming the file (when there is one), the HF field and the value.
import * as v from 'valibot';
import { ConfigError } from './errors.js';

/** Bounds of an accepted config (each documented in the README; beyond them: ConfigError). */
export const CONFIG_LIMITS = {
  /**
   * Parameters of the encoder with its largest heads (pooler, MLM transform + bias, classifier):
   * at most 2^31 floats (8 GiB of float32), so a config can never ask for an allocation that
   * ends the process, nor a build that runs for hours.
   */
  maxParameters: 2 ** 31,
  /** `num_hidden_layers` (the deepest published encoders have 48). */
  maxLayers: 1024,
  /** `vocab_size` (16.7 M rows; the largest published vocabularies are ~250 k). */
  maxVocabSize: 2 ** 24,
  /** `max_position_embeddings` (1 M positions). */
  maxPositions: 2 ** 20,
  /** `hidden_size`, `intermediate_size`, `num_attention_heads`, `type_vocab_size`, `num_labels`. */
  maxWidth: 2 ** 20,
} as const;

/** HF `config.json` field ↔ `BertConfig` / `makeConfig` option, in `config.json` order. */
export const CONFIG_FIELDS = [
  ['model_type', 'modelType'],
  ['vocab_size', 'vocabSize'],
  ['hidden_size', 'hiddenSize'],
  ['num_hidden_layers', 'numHiddenLayers'],
  ['num_attention_heads', 'numAttentionHeads'],
  ['intermediate_size', 'intermediateSize'],
  ['hidden_act', 'hiddenAct'],
  ['hidden_dropout_prob', 'hiddenDropoutProb'],
  ['attention_probs_dropout_prob', 'attentionProbsDropoutProb'],
  ['max_position_embeddings', 'maxPositionEmbeddings'],
  ['type_vocab_size', 'typeVocabSize'],
  ['initializer_range', 'initializerRange'],
  ['layer_norm_eps', 'layerNormEps'],
  ['pad_token_id', 'padTokenId'],
  ['classifier_dropout', 'classifierDropout'],
  ['num_labels', 'numLabels'],
] as const;

const HIDDEN_ACTS = ['gelu', 'gelu_new', 'relu'] as const;

/** A whole number in [min, max]; one message for every way of missing it. */
function int(min: number, max: number) {
  const m = `must be an integer in [${min}, ${max}]`;
  return v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m));
}

/** A dropout probability: PyTorch's `nn.Dropout` accepts [0, 1]. */
const probability = v.pipe(
  v.number('must be a probability in [0, 1]'),
  v.minValue(0, 'must be a probability in [0, 1]'),
  v.maxValue(1, 'must be a probability in [0, 1]'),
);

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

const { maxWidth } = CONFIG_LIMITS;

/** HF `config.json` (BERT / RoBERTa): the fields this encoder reads; others are kept as they are. */
export const HF_CONFIG_SCHEMA = v.looseObject({
  model_type: v.nullish(v.picklist(['bert', 'roberta'], 'must be "bert" or "roberta"'), 'bert'),
  vocab_size: int(1, CONFIG_LIMITS.maxVocabSize),
  hidden_size: v.nullish(int(1, maxWidth), 768),
  num_hidden_layers: v.nullish(int(1, CONFIG_LIMITS.maxLayers), 12),
  num_attention_heads: v.nullish(int(1, maxWidth), 12),
  intermediate_size: v.nullish(int(1, maxWidth), 3072),
  hidden_act: v.nullish(v.picklist(HIDDEN_ACTS, `must be one of ${HIDDEN_ACTS.join(', ')}`), 'gelu'),
  hidden_dropout_prob: v.nullish(probability, 0.1),
  attention_probs_dropout_prob: v.nullish(probability, 0.1),
  max_position_embeddings: v.nullish(int(1, CONFIG_LIMITS.maxPositions), 512),
  type_vocab_size: v.nullish(int(1, maxWidth), 2),
  initializer_range: v.nullish(
    v.pipe(
      v.number('must be a finite number >= 0'),
      v.finite('must be a finite number >= 0'),
      v.minValue(0, 'must be a finite number >= 0'),
    ),
    0.02,
  ),
  layer_norm_eps: v.nullish(
    v.pipe(
      v.number('must be a positive number that stays positive and finite in float32'),
      v.check(
        (e: number) => Math.fround(e) > 0 && Number.isFinite(Math.fround(e)),
        'must be a positive number that stays positive and finite in float32',
      ),
    ),
    1e-12,
  ),
  pad_token_id: v.nullish(int(0, CONFIG_LIMITS.maxVocabSize)),
  position_embedding_type: v.nullish(
    v.literal('absolute', 'must be "absolute" (the only position embedding implemented)'),
    'absolute',
  ),
  classifier_dropout: v.nullish(probability, null),
  num_labels: v.nullish(int(1, maxWidth)),
  id2label: v.nullish(v.custom<Record<string, unknown>>(isPlainObject, 'must be an object of label names')),
});

export type HfConfigFields = v.InferOutput<typeof HF_CONFIG_SCHEMA>;

/** The sizes that decide the parameter count (a `BertConfig` has them all). */
export interface ModelSizes {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  numLabels: number;
}

/**
 * Parameters of the encoder with a pooler, the MLM head (transform, LayerNorm, bias; the decoder
 * is tied) and a RoBERTa-style classifier (dense + projection): an upper bound of what any head
 * of this package builds from the config.
 */
export function configParameterCount(c: ModelSizes): number {
  const { vocabSize: V, hiddenSize: H, numHiddenLayers: L, intermediateSize: F, numLabels: N } = c;
  const embeddings = (V + c.maxPositionEmbeddings + c.typeVocabSize) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * F + F) + (F * H + H) + 2 * H; // q, k, v, o; norms; FFN
  const pooler = H * H + H;
  const mlmHead = H * H + H + 2 * H + V;
  const classifier = H * H + H + H * N + N;
  return embeddings + L * layer + pooler + mlmHead + classifier;
}

/** Where a config comes from: its file, or `makeConfig` (errors then name the option too). */
export interface ConfigSource {
  file?: string;
  makeConfig?: boolean;
}

const optionOf = new Map<string, string>(CONFIG_FIELDS);

// A ConfigError; the value is shown when passed (even `undefined`: a missing required field).
function fail(source: ConfigSource, field: string | undefined, reason: string, ...value: [unknown?]): never {
  const option = source.makeConfig && field ? optionOf.get(field) : undefined;
  const text = option ? `(makeConfig option ${option}) ${reason}` : reason;
  const details = { file: source.file, field, ...(value.length ? { value: value[0] } : {}) };
  throw new ConfigError(text, details);
}

/**
 * Validate HF `config.json` contents: every field this encoder reads (schema), then the fields
 * against each other and the parameter ceiling. → the fields with defaults filled in.
 */
export function validateHfConfig(
  json: unknown,
  source: ConfigSource = {},
): HfConfigFields & { pad_token_id: number; num_labels: number } {
  if (!isPlainObject(json)) fail(source, undefined, 'config must be a JSON object', json);
  const parsed = v.safeParse(HF_CONFIG_SCHEMA, json, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const field = issue.path?.map((p) => String(p.key)).join('.');
    fail(source, field, issue.message, issue.input);
  }
  const c = parsed.output;
  const pad = c.pad_token_id ?? (c.model_type === 'roberta' ? 1 : 0);
  const labels = c.num_labels ?? (c.id2label ? Object.keys(c.id2label).length : 2);
  if (labels < 1 || labels > maxWidth)
    fail(
      source,
      'id2label',
      `must name between 1 and ${maxWidth} labels`,
      Object.keys(c.id2label ?? {}).length,
    );
  if (c.num_attention_heads > c.hidden_size)
    fail(
      source,
      'num_attention_heads',
      `must be at most hidden_size ${c.hidden_size}`,
      c.num_attention_heads,
    );
  if (c.hidden_size % c.num_attention_heads !== 0)
    fail(
      source,
      'hidden_size',
      `must be divisible by num_attention_heads ${c.num_attention_heads}`,
      c.hidden_size,
    );
  if (pad >= c.vocab_size)
    fail(source, 'pad_token_id', `must be an integer >= 0 and below vocab_size ${c.vocab_size}`, pad);
  if (c.model_type === 'roberta' && c.max_position_embeddings < pad + 2)
    fail(
      source,
      'max_position_embeddings',
      `must be at least pad_token_id + 2 = ${pad + 2} for RoBERTa (positions start after the padding id)`,
      c.max_position_embeddings,
    );
  const count = configParameterCount({
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numHiddenLayers: c.num_hidden_layers,
    intermediateSize: c.intermediate_size,
    maxPositionEmbeddings: c.max_position_embeddings,
    typeVocabSize: c.type_vocab_size,
    numLabels: labels,
  });
  if (count > CONFIG_LIMITS.maxParameters)
    fail(
      source,
      undefined,
      `the model would have ${count.toExponential(2)} parameters, over the ceiling of 2^31 (${CONFIG_LIMITS.maxParameters} floats, 8 GiB): ` +
        `vocab_size ${c.vocab_size}, hidden_size ${c.hidden_size}, num_hidden_layers ${c.num_hidden_layers}, ` +
        `intermediate_size ${c.intermediate_size}, max_position_embeddings ${c.max_position_embeddings}`,
    );
  return { ...c, pad_token_id: pad, num_labels: labels };
}

const MAKE_CONFIG_OPTIONS = new Set<string>([...CONFIG_FIELDS.map(([, option]) => option), 'raw']);

/**
 * `makeConfig` options (camelCase `BertConfig` fields, plus `raw`) → HF `config.json` fields over
 * `raw`; unknown options are refused (a typo is not silently ignored). Values are checked by
 * `validateHfConfig`.
 */
export function makeConfigToHf(options: unknown): Record<string, unknown> {
  const source = { makeConfig: true };
  if (!isPlainObject(options)) fail(source, undefined, 'makeConfig options must be an object', options);
  for (const key of Object.keys(options))
    if (!MAKE_CONFIG_OPTIONS.has(key))
      fail(
        source,
        key,
        `is an unknown makeConfig option (known: ${[...MAKE_CONFIG_OPTIONS].join(', ')})`,
        options[key],
      );
  const raw = options.raw ?? {};
  if (!isPlainObject(raw)) fail(source, 'raw', 'must be an object of HF config fields', raw);
  const hf: Record<string, unknown> = { ...raw };
  for (const [field, option] of CONFIG_FIELDS) if (options[option] !== undefined) hf[field] = options[option];
  return hf;
}
