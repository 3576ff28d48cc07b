// The files of the model, in the Hugging Face folder layout, shipped in this package's `model/`.

/** The files in `model/`: what `fromPretrained` (encoder) and `Tokenizer.fromPretrained` read. */
export const MODEL_FILES = [
  'config.json',
  'model.safetensors',
  'tokenizer.json',
  'vocab.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
] as const;

export type ModelFile = (typeof MODEL_FILES)[number];

/**
 * The URL of `model/` inside the installed package (a `file:` URL in Node, the served asset URL
 * in a bundler that rewrites `import.meta.url`). Pass `baseUrl` to the loader to fetch the files
 * from anywhere else (a CDN, your own server).
 */
export function defaultModelUrl(): URL {
  return new URL('../model/', import.meta.url);
}
