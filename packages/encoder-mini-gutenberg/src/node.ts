// Node entry: the installed model folder as a path, for `fromPretrained` and `Tokenizer.fromPretrained`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromPretrained, type ModelClass, type ParameterModule } from '@selfevo/encoder-model';
import { Tokenizer } from '@selfevo/tokenizer';
import type { LoadedModel } from './load.js';
import { defaultModelUrl } from './model-files.js';

export * from './index.js';

/** Absolute path of the installed `model/` folder (HF layout: config.json, model.safetensors, tokenizer files). */
export const modelDir: string = fileURLToPath(defaultModelUrl());

/**
 * Load the encoder as `Cls` and its tokenizer from the installed folder (no network):
 * the same as `fromPretrained(Cls, modelDir, opts)` plus `Tokenizer.fromPretrained(modelDir)`.
 */
export async function loadMiniGutenbergFromDisk<T extends ParameterModule>(
  Cls: ModelClass<T>,
  opts: { seed?: number; strict?: boolean } = {},
): Promise<LoadedModel<T>> {
  const { model } = await fromPretrained(Cls, modelDir, { ...opts, onProgress: false });
  const tokenizer = await Tokenizer.fromPretrained(modelDir);
  const config = JSON.parse(await readFile(join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  return { model, tokenizer, config };
}
