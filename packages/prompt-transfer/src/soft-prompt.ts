// A trainable soft prompt for a frozen BERT-family encoder: either an input-level prompt
// P ∈ R^{L×H} prepended to the word embeddings (Lester et al. prompt tuning), or deep prompts,
// per-layer key/value prefixes (prefix tuning / P-tuning v2). Shapes: L virtual tokens, H hidden,
// N encoder layers, V vocabulary.
import {
  type BertModel,
  type EncoderInputs,
  type KeyValuePrefix,
  linear,
  SeededRandom,
} from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { PromptConfigError, PromptMismatchError } from './errors.js';

export type PromptTuningInit = 'RANDOM' | 'VOCAB' | 'TEXT' | 'SOURCE';
export type PromptMode = 'prompt' | 'prefix';

/** Prompt values outside tfjs: `[L, H]` (prompt) or `[N, 2, L, H]` (prefix: keys, values per layer). */
export interface PromptTensorData {
  shape: number[];
  data: Float32Array;
}

/** Options in the spirit of PEFT's `PromptTuningConfig` (camelCase), plus deep prompts. */
export interface PromptTuningConfig {
  /** Number of virtual tokens L (> 0). */
  numVirtualTokens: number;
  /** How the prompt starts (default `'RANDOM'`). See the README for each. */
  promptTuningInit?: PromptTuningInit;
  /** `TEXT`: the text whose token embeddings start the prompt (needs `tokenize`). */
  promptTuningInitText?: string;
  /**
   * `TEXT`: turns `promptTuningInitText` into token ids (e.g. a `@selfevo/tokenizer` encode). Whether
   * [CLS]/[SEP] are included is up to it (PEFT includes what the tokenizer adds).
   */
  tokenize?: (text: string) => ArrayLike<number>;
  /** `TEXT`: token ids given directly instead of text + `tokenize`. */
  promptTuningInitIds?: ArrayLike<number>;
  /** `VOCAB`: how many of the most frequent tokens to sample from (default 5,000, as SPoT). */
  vocabInitTopK?: number;
  /**
   * `VOCAB`: token ids ordered from most to least frequent (e.g. from corpus counts, or
   * `frequentWordPieceIds(vocab)`); the first `vocabInitTopK` are the candidates. Without it the
   * candidates are ids `vocabInitOffset … vocabInitOffset + vocabInitTopK − 1`, which assumes the
   * vocabulary is frequency-ordered from that id on.
   */
  frequentTokenIds?: ArrayLike<number>;
  /** `VOCAB` without `frequentTokenIds`: first candidate id (default 0). */
  vocabInitOffset?: number;
  /** `SOURCE`: the prompt to start from (a loaded artifact's `prompt`, `SoftPrompt.toData()`, or an SPoT mix). */
  sourcePrompt?: PromptTensorData;
  /** `RANDOM`: standard deviation of the normal init (default 1, PyTorch `nn.Embedding` as in PEFT). */
  randomInitStd?: number;
  /** Deep prompts: learn per-layer key/value prefixes instead of an input-level prompt (default false). */
  prefix?: boolean;
  /** Seed of every random choice (default 0). */
  seed?: number;
}

/** How a prompt was initialised (kept in the saved metadata). */
export interface PromptInitInfo {
  promptTuningInit: PromptTuningInit;
  seed: number;
  /** Token ids whose embeddings (prompt) or activations (prefix) were copied, for VOCAB / TEXT. */
  tokenIds?: number[];
  text?: string;
}

let nextId = 0;

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new PromptConfigError(name, `must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Cut or repeat `ids` to exactly `length` entries, as PEFT's TEXT init: longer lists keep their
 * first `length` ids; shorter ones are repeated whole and then cut.
 */
export function fitTokenIds(ids: ArrayLike<number>, length: number): number[] {
  positiveInt(length, 'length');
  if (ids.length === 0) throw new PromptConfigError('promptTuningInitText', 'tokenizes to no ids');
  const out: number[] = [];
  for (let i = 0; i < length; i++) out.push(ids[i % ids.length]);
  return out;
}

/**
 * The `k` most frequent ids of a WordPiece vocabulary (tokens in id order, e.g. the lines of
 * `vocab.txt`), under the assumption this package makes for `VOCAB` init: after the special tokens
 * (`[PAD]`, `[unusedN]`, `[CLS]`, … — anything in square brackets) and the single-character
 * alphabet block, BERT's WordPiece ids are roughly in frequency order (bert-base-uncased: id 1996
 * `the`, 1997 `of`, 1998 `and`, …). Skips bracketed and single-character tokens and returns the
 * first `k` remaining ids.
 */
export function frequentWordPieceIds(vocab: readonly string[], k = 5000): number[] {
  positiveInt(k, 'k');
  const out: number[] = [];
  for (let id = 0; id < vocab.length && out.length < k; id++) {
    const t = vocab[id];
    if (/^\[.*\]$/.test(t) || [...t].length <= 1) continue;
    out.push(id);
  }
  return out;
}

/** Read rows `ids` of the backbone's word-embedding table → [ids.length, H] floats. */
function embeddingRows(backbone: BertModel, ids: number[]): Float32Array {
  const V = backbone.config.vocabSize;
  for (const id of ids)
    if (!(Number.isInteger(id) && id >= 0 && id < V))
      throw new PromptConfigError('tokenIds', `token id ${id} is outside the vocabulary [0, ${V})`);
  return tf.tidy(() =>
    tf.gather(backbone.wordEmbeddings, tf.tensor1d(Int32Array.from(ids), 'int32')).dataSync(),
  ) as Float32Array;
}

/**
 * Prefix values from real tokens (Li & Liang 2021 initialise prefixes with activations of real
 * words): run the frozen encoder on the ids as one sequence and take, at every layer, the key and
 * value projections of that layer's input. → [N, 2, L, H]
 */
function prefixFromTokens(backbone: BertModel, ids: number[]): Float32Array {
  embeddingRows(backbone, ids); // range check
  const c = backbone.config;
  return tf.tidy(() => {
    const out = backbone.forward({
      inputIds: [ids],
      training: false,
      outputHiddenStates: true,
    });
    const H = c.hiddenSize;
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < c.numHiddenLayers; i++) {
      const h = tf.reshape(out.hiddenStates![i], [ids.length, H]) as tf.Tensor2D; // [L, H]
      const self = `encoder.layer.${i}.attention.self`;
      for (const m of ['key', 'value'])
        parts.push(
          linear(
            h,
            backbone.p<tf.Rank.R2>(`${self}.${m}.weight`),
            backbone.p<tf.Rank.R1>(`${self}.${m}.bias`),
          ),
        ); // [L, H]
    }
    return tf.stack(parts).dataSync(); // [N·2, L, H] = [N, 2, L, H] row-major
  }) as Float32Array;
}

/**
 * A soft prompt: one tf.Variable, `[L, H]` (`mode: 'prompt'`) or `[N, 2, L, H]` (`mode: 'prefix'`),
 * plus how it was initialised. `encoderInputs()` turns it into `BertModel` inputs; call it inside
 * the gradient closure so the prompt is on the tape.
 */
export class SoftPrompt {
  readonly variable: tf.Variable;
  constructor(
    readonly mode: PromptMode,
    data: PromptTensorData,
    readonly init: PromptInitInfo,
    trainable = true,
  ) {
    const want = mode === 'prompt' ? 2 : 4;
    if (data.shape.length !== want || (mode === 'prefix' && data.shape[1] !== 2))
      throw new PromptMismatchError(
        'shape',
        `a ${mode} needs shape ${mode === 'prompt' ? '[L, H]' : '[N, 2, L, H]'}, got [${data.shape}]`,
      );
    const n = data.shape.reduce((a, b) => a * b, 1);
    if (n !== data.data.length)
      throw new PromptMismatchError('data', `${data.data.length} values do not fit shape [${data.shape}]`);
    const t = tf.tensor(data.data, data.shape, 'float32');
    this.variable = tf.variable(t, trainable, `soft_prompt_${nextId++}`);
    t.dispose();
  }

  /** Create a prompt for `backbone` as `config` says (see `PromptTuningConfig`). */
  static create(backbone: BertModel, config: PromptTuningConfig): SoftPrompt {
    const c = backbone.config;
    const L = positiveInt(config.numVirtualTokens, 'numVirtualTokens');
    const H = c.hiddenSize;
    const N = c.numHiddenLayers;
    const init = config.promptTuningInit ?? 'RANDOM';
    const seed = config.seed ?? 0;
    if (!Number.isFinite(seed)) throw new PromptConfigError('seed', `must be a finite number, got ${seed}`);
    const mode: PromptMode = config.prefix ? 'prefix' : 'prompt';
    const shape = mode === 'prompt' ? [L, H] : [N, 2, L, H];
    const size = shape.reduce((a, b) => a * b, 1);
    const rng = new SeededRandom(seed);
    const info: PromptInitInfo = { promptTuningInit: init, seed };
    let data: Float32Array;
    switch (init) {
      case 'RANDOM': {
        const std = config.randomInitStd ?? 1;
        if (!(std >= 0 && Number.isFinite(std)))
          throw new PromptConfigError('randomInitStd', `must be a finite number ≥ 0, got ${std}`);
        data = new Float32Array(size);
        for (let i = 0; i < size; i++) data[i] = rng.normal() * std;
        break;
      }
      case 'VOCAB': {
        const k = positiveInt(config.vocabInitTopK ?? 5000, 'vocabInitTopK');
        let candidates: number[];
        if (config.frequentTokenIds !== undefined) {
          candidates = Array.from(config.frequentTokenIds).slice(0, k);
          if (candidates.length === 0) throw new PromptConfigError('frequentTokenIds', 'is empty');
        } else {
          const off = config.vocabInitOffset ?? 0;
          if (!Number.isInteger(off) || off < 0 || off >= c.vocabSize)
            throw new PromptConfigError(
              'vocabInitOffset',
              `must be an integer in [0, ${c.vocabSize}), got ${off}`,
            );
          const n = Math.min(k, c.vocabSize - off);
          candidates = Array.from({ length: n }, (_, i) => off + i);
        }
        const ids = Array.from({ length: L }, () => candidates[rng.nextInt(candidates.length)]);
        info.tokenIds = ids;
        data = mode === 'prompt' ? embeddingRows(backbone, ids) : prefixFromTokens(backbone, ids);
        break;
      }
      case 'TEXT': {
        let raw: ArrayLike<number>;
        if (config.promptTuningInitIds !== undefined) raw = config.promptTuningInitIds;
        else {
          if (typeof config.promptTuningInitText !== 'string' || config.promptTuningInitText === '')
            throw new PromptConfigError(
              'promptTuningInitText',
              'TEXT init needs promptTuningInitText (with tokenize) or promptTuningInitIds',
            );
          if (typeof config.tokenize !== 'function')
            throw new PromptConfigError(
              'tokenize',
              'TEXT init with promptTuningInitText needs a tokenize(text) => ids function',
            );
          raw = config.tokenize(config.promptTuningInitText);
          info.text = config.promptTuningInitText;
        }
        const ids = fitTokenIds(raw, L);
        info.tokenIds = ids;
        data = mode === 'prompt' ? embeddingRows(backbone, ids) : prefixFromTokens(backbone, ids);
        break;
      }
      case 'SOURCE': {
        const src = config.sourcePrompt;
        if (!src || !(src.data instanceof Float32Array) || !Array.isArray(src.shape))
          throw new PromptConfigError('sourcePrompt', 'SOURCE init needs sourcePrompt: { shape, data }');
        if (src.shape.join(',') !== shape.join(','))
          throw new PromptMismatchError(
            'sourcePrompt',
            `source prompt has shape [${src.shape}], this ${mode} needs [${shape}] ` +
              `(numVirtualTokens ${L}, hidden size ${H}${mode === 'prefix' ? `, ${N} layers` : ''})`,
          );
        data = Float32Array.from(src.data);
        break;
      }
      default:
        throw new PromptConfigError(
          'promptTuningInit',
          `must be RANDOM, VOCAB, TEXT or SOURCE, got ${JSON.stringify(init)}`,
        );
    }
    return new SoftPrompt(mode, { shape, data }, info);
  }

  /** Number of virtual tokens L. */
  get numVirtualTokens(): number {
    return this.variable.shape[this.mode === 'prompt' ? 0 : 2] as number;
  }
  /** Hidden size H. */
  get hiddenSize(): number {
    return this.variable.shape[this.variable.rank - 1];
  }
  /** Encoder layers N the prefixes are for (prompt mode: undefined). */
  get numLayers(): number | undefined {
    return this.mode === 'prefix' ? this.variable.shape[0] : undefined;
  }
  /** Tensor name used in `prompt.safetensors` and in gradient / optimizer maps. */
  get parameterName(): string {
    return this.mode === 'prompt' ? 'prompt_embeddings' : 'prefix_key_values';
  }

  /** The trainable variable by name (for `valueAndGrads` / `AdamW`). */
  namedParameters(): Map<string, tf.Variable> {
    return new Map([[this.parameterName, this.variable]]);
  }

  /** `promptEmbeds` or `pastKeyValuePrefixes` for `BertModel.forward` (build inside the tape). */
  encoderInputs(): Pick<EncoderInputs, 'promptEmbeds' | 'pastKeyValuePrefixes'> {
    if (this.mode === 'prompt') return { promptEmbeds: this.variable };
    const [N, , L, H] = this.variable.shape;
    const prefixes: KeyValuePrefix[] = [];
    for (let i = 0; i < N; i++) {
      const kv = tf.reshape(tf.slice(this.variable, [i, 0, 0, 0], [1, 2, L, H]), [2, L, H]);
      const [key, value] = tf.unstack(kv);
      prefixes.push({ key, value });
    }
    return { pastKeyValuePrefixes: prefixes };
  }

  /** A copy of the values. */
  toData(): PromptTensorData {
    return { shape: [...this.variable.shape], data: Float32Array.from(this.variable.dataSync()) };
  }

  /** Overwrite the values (same shape). */
  assign(data: PromptTensorData): void {
    if (data.shape.join(',') !== this.variable.shape.join(','))
      throw new PromptMismatchError('data', `shape [${data.shape}] differs from [${this.variable.shape}]`);
    tf.tidy(() => this.variable.assign(tf.tensor(data.data, data.shape, 'float32')));
  }

  dispose(): void {
    this.variable.dispose();
  }
}
