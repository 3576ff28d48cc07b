// Browser-safe loader: fetch config.json, model.safetensors and tokenizer.json from a base URL
// (default: this package's own model/ folder) and build the model and the tokenizer from bytes.
import { type ModelClass, modelFromWeights, type ParameterModule } from '@selfevo/encoder-model';
import { Tokenizer } from '@selfevo/tokenizer';
import { fetchWithRetry } from '@selfevo/utils';
import { MiniGutenbergError } from './errors.js';
import { defaultModelUrl } from './model-files.js';

/** The largest file the loader accepts (the weights are ~11 MB; anything far larger is not this model). */
export const MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024;

export interface LoadOptions {
  /** Folder URL holding the model files (ends with `/`); default: the package's `model/` folder. */
  baseUrl?: string | URL;
  /** The `fetch` to use (default the global one). */
  fetch?: typeof globalThis.fetch;
  /** Seed of dropout and of the init of anything the file does not hold (e.g. a new task head). */
  seed?: number;
  /** Throw on missing / unexpected tensors (default true); `false` for a head the file lacks. */
  strict?: boolean;
  /** Bytes received of each file, for a progress bar. */
  onProgress?: (file: string, receivedBytes: number, totalBytes: number | undefined) => void;
  /** Cancels the downloads. */
  signal?: AbortSignal;
}

export interface LoadedModel<T extends ParameterModule> {
  model: T;
  tokenizer: Tokenizer;
  /** The model's `config.json`. */
  config: Record<string, unknown>;
}

/**
 * Load the pretrained encoder as `Cls` (e.g. `BertForMaskedLM`, or `BertForSequenceClassification`
 * with `strict: false` for a new head) and its tokenizer, by URL: works in browsers, workers and
 * Node (with `baseUrl` an http(s) URL; in Node, `@selfevo/encoder-mini-gutenberg/node` reads the
 * installed files directly).
 */
export async function loadMiniGutenberg<T extends ParameterModule>(
  Cls: ModelClass<T>,
  opts: LoadOptions = {},
): Promise<LoadedModel<T>> {
  let base: URL;
  try {
    base = new URL(opts.baseUrl ?? defaultModelUrl());
  } catch (e) {
    throw new MiniGutenbergError(`baseUrl is not a URL: ${String(opts.baseUrl)}`, { cause: e });
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const get = async (file: string): Promise<Uint8Array> => {
    const url = new URL(file, base);
    try {
      const r = await fetchWithRetry(url, {
        fetch: opts.fetch,
        maxBytes: MAX_MODEL_FILE_BYTES,
        signal: opts.signal,
        onProgress: opts.onProgress && ((got, total) => opts.onProgress?.(file, got, total)),
      });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      return r.body;
    } catch (e) {
      throw new MiniGutenbergError(`cannot fetch ${url.href}: ${(e as Error).message}`, { cause: e });
    }
  };
  const [configBytes, weights, tokenizerBytes] = await Promise.all([
    get('config.json'),
    get('model.safetensors'),
    get('tokenizer.json'),
  ]);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(new TextDecoder().decode(configBytes));
  } catch (e) {
    throw new MiniGutenbergError(`${new URL('config.json', base).href} is not valid JSON`, { cause: e });
  }
  const tokenizer = Tokenizer.fromBytes(tokenizerBytes, new URL('tokenizer.json', base).href);
  const { model } = modelFromWeights(Cls, config, weights, { seed: opts.seed, strict: opts.strict });
  return { model, tokenizer, config };
}
