import { makeConfigToHf, validateHfConfig } from './config-schema.js';

export { CONFIG_LIMITS, configParameterCount, type ModelSizes } from './config-schema.js';

export type HiddenAct = 'gelu' | 'gelu_new' | 'relu';

/** A BERT / RoBERTa encoder configuration (camelCase mirror of HF's `BertConfig` JSON). */
export interface BertConfig {
  /** `"bert"` or `"roberta"`: parameter-name prefix, position-id scheme. */
  modelType: 'bert' | 'roberta';
  /** Rows of the word-embedding table (and MLM output size). */
  vocabSize: number;
  /** Model width H. */
  hiddenSize: number;
  /** Number of transformer layers L. */
  numHiddenLayers: number;
  /** Attention heads A (H must be divisible by A). */
  numAttentionHeads: number;
  /** Feed-forward inner width F. */
  intermediateSize: number;
  /** Feed-forward activation: `gelu` (erf), `gelu_new` (tanh approximation) or `relu`. */
  hiddenAct: HiddenAct;
  /** Dropout on embeddings and on each sub-layer output (training only). */
  hiddenDropoutProb: number;
  /** Dropout on the attention probabilities (training only). */
  attentionProbsDropoutProb: number;
  /** Rows of the position-embedding table (max sequence length; RoBERTa: + padding offset). */
  maxPositionEmbeddings: number;
  /** Rows of the token-type table (2 for BERT, 1 for RoBERTa). */
  typeVocabSize: number;
  /** Std of the normal used by `initWeights` (HF default 0.02). */
  initializerRange: number;
  /** LayerNorm epsilon. */
  layerNormEps: number;
  /** Padding token id (RoBERTa: position ids start after it). */
  padTokenId: number;
  /** Dropout before classifier heads (null: use `hiddenDropoutProb`). */
  classifierDropout: number | null;
  /** Number of labels for the sequence classification head (from `id2label` / `num_labels`). */
  numLabels: number;
  /** Every field of the source JSON, kept so that `savePretrained` writes it back. */
  raw: Record<string, unknown>;
}

/**
 * Parse HF `config.json` contents (BERT or RoBERTa). Every field this encoder reads is validated
 * (`config-schema.ts`: types, ranges, `hidden_size` divisible by `num_attention_heads`, the
 * padding id inside the vocabulary, the parameter ceiling of `CONFIG_LIMITS`); a bad one throws a
 * `ConfigError` naming `file` (when given), the field and the value. Unknown fields are kept in `raw`.
 */
export function configFromHf(json: unknown, opts: { file?: string } = {}): BertConfig {
  return toBertConfig(validateHfConfig(json, { file: opts.file }), json as Record<string, unknown>);
}

function toBertConfig(c: ReturnType<typeof validateHfConfig>, raw: Record<string, unknown>): BertConfig {
  return {
    modelType: c.model_type,
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numHiddenLayers: c.num_hidden_layers,
    numAttentionHeads: c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    hiddenAct: c.hidden_act,
    hiddenDropoutProb: c.hidden_dropout_prob,
    attentionProbsDropoutProb: c.attention_probs_dropout_prob,
    maxPositionEmbeddings: c.max_position_embeddings,
    typeVocabSize: c.type_vocab_size,
    initializerRange: c.initializer_range,
    layerNormEps: c.layer_norm_eps,
    padTokenId: c.pad_token_id,
    classifierDropout: c.classifier_dropout,
    numLabels: c.num_labels,
    raw: { ...raw },
  };
}

/**
 * A config from camelCase options (defaults: BERT-base-like; `vocabSize` required; `raw` supplies
 * other HF fields). Validated like `config.json` (errors name the HF field and the option);
 * unknown options throw `ConfigError`.
 */
export function makeConfig(p: Partial<BertConfig> & { vocabSize: number }): BertConfig {
  const hf = makeConfigToHf(p);
  return configFromHf(configToHf(toBertConfig(validateHfConfig(hf, { makeConfig: true }), hf)));
}

/** The HF `config.json` object for a config (unknown source fields preserved). */
export function configToHf(c: BertConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...c.raw,
    model_type: c.modelType,
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.hiddenAct,
    hidden_dropout_prob: c.hiddenDropoutProb,
    attention_probs_dropout_prob: c.attentionProbsDropoutProb,
    max_position_embeddings: c.maxPositionEmbeddings,
    type_vocab_size: c.typeVocabSize,
    initializer_range: c.initializerRange,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: c.padTokenId,
    position_embedding_type: 'absolute',
    classifier_dropout: c.classifierDropout,
  };
  if (c.numLabels !== (c.raw.id2label ? Object.keys(c.raw.id2label as object).length : 2)) {
    const id2label: Record<string, string> = {};
    const label2id: Record<string, number> = {};
    for (let i = 0; i < c.numLabels; i++) {
      id2label[String(i)] = `LABEL_${i}`;
      label2id[`LABEL_${i}`] = i;
    }
    out.id2label = id2label;
    out.label2id = label2id;
  }
  return out;
}
