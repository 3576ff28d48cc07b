import { ConfigError } from './errors.js';

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

function num(j: Record<string, unknown>, key: string, dflt?: number): number {
  const v = j[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ConfigError(`config.${key} must be a number, got ${JSON.stringify(j[key])}`);
  return v;
}

/** Parse HF `config.json` contents (BERT or RoBERTa), validating the fields this encoder uses. */
export function configFromHf(json: Record<string, unknown>): BertConfig {
  const modelType = (json.model_type ?? 'bert') as string;
  if (modelType !== 'bert' && modelType !== 'roberta')
    throw new ConfigError(`model_type ${JSON.stringify(modelType)} is not supported (bert, roberta)`);
  const act = (json.hidden_act ?? 'gelu') as string;
  if (act !== 'gelu' && act !== 'gelu_new' && act !== 'relu')
    throw new ConfigError(`hidden_act ${JSON.stringify(act)} is not supported (gelu, gelu_new, relu)`);
  const pet = json.position_embedding_type ?? 'absolute';
  if (pet !== 'absolute')
    throw new ConfigError(`position_embedding_type ${JSON.stringify(pet)} is not supported (absolute)`);
  const id2label = json.id2label as Record<string, string> | undefined;
  const cfg: BertConfig = {
    modelType,
    vocabSize: num(json, 'vocab_size'),
    hiddenSize: num(json, 'hidden_size', 768),
    numHiddenLayers: num(json, 'num_hidden_layers', 12),
    numAttentionHeads: num(json, 'num_attention_heads', 12),
    intermediateSize: num(json, 'intermediate_size', 3072),
    hiddenAct: act,
    hiddenDropoutProb: num(json, 'hidden_dropout_prob', 0.1),
    attentionProbsDropoutProb: num(json, 'attention_probs_dropout_prob', 0.1),
    maxPositionEmbeddings: num(json, 'max_position_embeddings', 512),
    typeVocabSize: num(json, 'type_vocab_size', 2),
    initializerRange: num(json, 'initializer_range', 0.02),
    layerNormEps: num(json, 'layer_norm_eps', 1e-12),
    padTokenId: num(json, 'pad_token_id', modelType === 'roberta' ? 1 : 0),
    classifierDropout: (json.classifier_dropout as number | null | undefined) ?? null,
    numLabels:
      typeof json.num_labels === 'number' ? json.num_labels : id2label ? Object.keys(id2label).length : 2,
    raw: { ...json },
  };
  if (cfg.hiddenSize % cfg.numAttentionHeads !== 0)
    throw new ConfigError(
      `hidden_size ${cfg.hiddenSize} is not divisible by num_attention_heads ${cfg.numAttentionHeads}`,
    );
  return cfg;
}

/** A config from a partial camelCase description (defaults: BERT-base-like, vocab required). */
export function makeConfig(p: Partial<BertConfig> & { vocabSize: number }): BertConfig {
  return configFromHf({ ...configToHf({ ...configFromHf({ vocab_size: p.vocabSize }), ...p }) });
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
