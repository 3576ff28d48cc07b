// Where the examples find their inputs: the shared data folder and the base model.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelDir } from '@selfevo/encoder-mini-gutenberg/node';
import { UsageError } from './cli.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** `$SELFEVO_DATA`, else `<repo>/../shared/data` (corpus/, superglue/, vocab/). */
export const dataDir = resolve(process.env.SELFEVO_DATA ?? join(repoRoot, '../shared/data'));
/** `$SUPERGLUE_DIR`, else `<data>/superglue` (`<TASK>/{train,val,test}.jsonl`). */
export const superglueDir = resolve(process.env.SUPERGLUE_DIR ?? join(dataDir, 'superglue'));
/** A corpus file by name (`gutenberg.train.00.txt`) or a path (anything with a `/`). */
export const corpusFile = (f: string) => (f.includes('/') ? resolve(f) : join(dataDir, 'corpus', f));
/**
 * The base model folder (HF layout): `$SELFEVO_BASE_MODEL`, else the installed
 * `@selfevo/encoder-mini-gutenberg` package's `model/` folder.
 */
export const baseModelDir = resolve(process.env.SELFEVO_BASE_MODEL ?? modelDir);

/** An HF-layout model folder (config.json + model.safetensors), or a UsageError naming what is missing. */
export function checkModelDir(dir: string, flag = '--model'): string {
  const d = resolve(dir);
  for (const f of ['config.json', 'model.safetensors'])
    if (!existsSync(join(d, f)))
      throw new UsageError(
        `${flag} ${d}: no ${f} there (expected a Hugging Face layout folder${d === resolve(modelDir) ? '; the base model files of @selfevo/encoder-mini-gutenberg are not installed yet' : ''})`,
      );
  return d;
}

/** `$SELFEVO_FIXTURES`, else `<repo>/../shared/fixtures` (small HF checkpoints with reference outputs). */
export const fixturesDir = resolve(process.env.SELFEVO_FIXTURES ?? join(repoRoot, '../shared/fixtures'));
