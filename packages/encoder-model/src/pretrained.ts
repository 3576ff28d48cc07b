// fromPretrained / savePretrained: HF folder layout (config.json + model.safetensors + tokenizer
// files), local or downloaded from the Hugging Face hub (or a mirror: HF_ENDPOINT) into a cache.
import { type BertConfig, configFromHf, configToHf } from './config.js';
import { ConfigError, type LoadReport, SafetensorsFormatError } from './errors.js';
import { downloadFromHub, TOKENIZER_FILES } from './hub-download.js';
import { nodeIo, writeFileAtomic } from './node-io.js';
import type { ParameterModule } from './parameter-module.js';
import { checkPretrainedOptions, type PretrainedOptions } from './pretrained-options.js';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from './safetensors.js';

export { TOKENIZER_FILES } from './hub-download.js';
export type { DownloadProgress, PretrainedOptions } from './pretrained-options.js';

/** Where the files of a pretrained model were found (local folder or cache). */
export interface ResolvedPretrained {
  dir: string;
  /** The validated `config.json` contents. */
  config: Record<string, unknown>;
  /** The bytes of `model.safetensors` (header validated). */
  weights: Uint8Array;
}

/**
 * Find a model's files: a local folder (or a `config.json` path inside one), else a hub id whose
 * `config.json`, `model.safetensors` and tokenizer files are downloaded (verified) into the cache
 * once (`downloadFromHub`). The config is validated (`ConfigError` naming the file, the field and
 * the value) and the weights' header too (`SafetensorsFormatError` naming the file).
 */
export async function resolvePretrained(
  pathOrHubId: string,
  opts: PretrainedOptions = {},
): Promise<ResolvedPretrained> {
  checkPretrainedOptions(opts);
  if (typeof pathOrHubId !== 'string' || pathOrHubId === '')
    throw new ConfigError('must be a folder or a hub id', { field: 'pathOrHubId', value: pathOrHubId });
  const { fs, path } = await nodeIo();
  const local = await fs.stat(pathOrHubId).catch(() => undefined);
  const dir = local
    ? local.isDirectory()
      ? path.resolve(pathOrHubId)
      : path.dirname(path.resolve(pathOrHubId))
    : await downloadFromHub(pathOrHubId, opts);
  const configPath = path.join(dir, 'config.json');
  const text = await fs.readFile(configPath, 'utf8').catch(() => undefined);
  if (text === undefined) throw new ConfigError(`no config.json in ${dir}`, { file: configPath });
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`is not valid JSON (${(e as Error).message})`, { file: configPath, cause: e });
  }
  configFromHf(config, { file: configPath });
  const weightsPath = path.join(dir, 'model.safetensors');
  const data = await fs.readFile(weightsPath).catch(() => undefined);
  if (!data)
    throw new ConfigError(
      `no model.safetensors in ${dir} (PyTorch .bin weights are not read; convert them with safetensors)`,
      { file: weightsPath },
    );
  const weights = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  try {
    readSafetensorsHeader(weights);
  } catch (e) {
    throw new SafetensorsFormatError(
      `${weightsPath}: ${(e as Error).message.replace(/^invalid safetensors: /, '')}`,
      {
        cause: e,
      },
    );
  }
  return { dir, config: config as Record<string, unknown>, weights };
}

/** A model class constructible from a config (every class in this package). */
export type ModelClass<T extends ParameterModule> = new (config: BertConfig, opts?: { seed?: number }) => T;

/** Build `Cls` from config JSON and safetensors bytes (pure: works in a browser). */
export function modelFromWeights<T extends ParameterModule>(
  Cls: ModelClass<T>,
  configJson: Record<string, unknown>,
  weights: Uint8Array,
  opts: { strict?: boolean; seed?: number } = {},
): { model: T; report: LoadReport } {
  const model = new Cls(configFromHf(configJson), { seed: opts.seed });
  try {
    const report = model.loadStateDict(readSafetensors(weights), { strict: opts.strict });
    return { model, report };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Load `Cls` (e.g. `BertForMaskedLM`) from a local folder or a hub id. Strict by default: missing,
 * unexpected or wrong-shaped tensors throw `MissingParametersError`; `strict: false` returns them
 * in `report`. The returned `dir` holds the tokenizer files.
 */
export async function fromPretrained<T extends ParameterModule>(
  Cls: ModelClass<T>,
  pathOrHubId: string,
  opts: PretrainedOptions = {},
): Promise<{ model: T; report: LoadReport; dir: string }> {
  const r = await resolvePretrained(pathOrHubId, opts);
  const { model, report } = modelFromWeights(Cls, r.config, r.weights, opts);
  return { model, report, dir: r.dir };
}

/**
 * Write `config.json` and `model.safetensors` (HF names, `format: pt`; F32 unless `dtype: 'F16'`)
 * into `dir`, the layout `transformers` loads with `from_pretrained(dir)`; tokenizer files are copied
 * from `tokenizerDir`. Each file is written atomically.
 */
export async function savePretrained(
  model: ParameterModule,
  dir: string,
  opts: { tokenizerDir?: string; architecture?: string; dtype?: 'F32' | 'F16' } = {},
): Promise<void> {
  const { fs, path } = await nodeIo();
  await fs.mkdir(dir, { recursive: true });
  const config = configToHf(model.config);
  config.architectures = [opts.architecture ?? model.constructor.name];
  await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(
    path.join(dir, 'model.safetensors'),
    writeSafetensors(model.stateDict(), { format: 'pt' }, { dtype: opts.dtype }),
  );
  if (opts.tokenizerDir && path.resolve(opts.tokenizerDir) !== path.resolve(dir)) {
    for (const f of TOKENIZER_FILES) {
      const src = path.join(opts.tokenizerDir, f);
      const data = await fs.readFile(src).catch(() => undefined);
      if (data) await writeFileAtomic(path.join(dir, f), new Uint8Array(data));
    }
  }
}
