// fromPretrained / savePretrained: HF folder layout (config.json + model.safetensors + tokenizer
// files), local or downloaded from the Hugging Face hub (or a mirror: HF_ENDPOINT) into a cache.
import { type BertConfig, configFromHf, configToHf } from './config.js';
import { ConfigError, HubDownloadError, type LoadReport } from './errors.js';
import { nodeIo, writeFileAtomic } from './node-io.js';
import type { ParameterModule } from './parameter-module.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Tokenizer files fetched (when present) and copied along by `savePretrained`. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
];

export interface DownloadProgress {
  file: string;
  loaded: number;
  /** Bytes expected (content-length), or undefined when the server does not say. */
  total?: number;
  done: boolean;
}

export interface PretrainedOptions {
  /** Throw on missing / unexpected / wrong-shaped tensors (default true); false: report them. */
  strict?: boolean;
  /** Seed for the init of anything not in the file, and for dropout. */
  seed?: number;
  /** Hub base URL (default `$HF_ENDPOINT` or https://huggingface.co). */
  endpoint?: string;
  /** Branch, tag or commit (default `main`). */
  revision?: string;
  /** Cache folder (default `$SELFEVO_HUB_CACHE`, else `$HF_HOME/selfevo-hub`, else ~/.cache/selfevo/hub). */
  cacheDir?: string;
  /** Bearer token for private repos (default `$HF_TOKEN`). */
  token?: string;
  /** Download progress; default prints to stderr (a progress bar on a TTY). `false` silences it. */
  onProgress?: ((p: DownloadProgress) => void) | false;
  /** Fetch implementation (default global fetch). */
  fetch?: typeof fetch;
}

/** Where the files of a pretrained model were found (local folder or cache). */
export interface ResolvedPretrained {
  dir: string;
  config: Record<string, unknown>;
  weights: Uint8Array;
}

function env(name: string): string | undefined {
  return typeof process !== 'undefined' ? process.env[name] : undefined;
}

type Bar = { start(total: number, v: number): void; update(v: number): void; stop(): void };

/** Default progress: a cli-progress bar per file on a TTY, else a line per 10% on stderr. */
async function defaultProgress(): Promise<(p: DownloadProgress) => void> {
  const tty = typeof process !== 'undefined' && process.stderr?.isTTY;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  if (tty) {
    try {
      const name = 'cli-progress'; // variable specifier: browser bundles never pull it in
      const cp = (await import(/* @vite-ignore */ name)) as {
        default: { SingleBar: new (o: object) => Bar; Presets: { shades_classic: object } };
      };
      let bar: Bar | undefined;
      return (p) => {
        if (!bar) {
          bar = new cp.default.SingleBar({
            format: `${p.file} [{bar}] {percentage}% {value}/{total} bytes`,
            stream: process.stderr,
          }) as Bar;
          bar.start(p.total ?? 0, 0);
        }
        bar.update(p.loaded);
        if (p.done) {
          bar.stop();
          bar = undefined;
        }
      };
    } catch {
      // fall through to plain lines
    }
  }
  let lastDecile = -1;
  return (p) => {
    const decile = p.total ? Math.floor((10 * p.loaded) / p.total) : -1;
    if (p.done || decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(
        `downloading ${p.file}: ${mb(p.loaded)}${p.total ? `/${mb(p.total)}` : ''} MB${p.done ? ' done' : ''}\n`,
      );
    }
  };
}

async function download(
  url: string,
  dest: string,
  file: string,
  opts: PretrainedOptions,
  optional: boolean,
): Promise<boolean> {
  const f = opts.fetch ?? fetch;
  const token = opts.token ?? env('HF_TOKEN');
  let res: Response;
  try {
    res = await f(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (e) {
    throw new HubDownloadError(`cannot reach ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (res.status === 404 && optional) {
    await res.body?.cancel();
    return false;
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new HubDownloadError(`GET ${url} → HTTP ${res.status} ${res.statusText}`);
  }
  const total = Number(res.headers.get('content-length')) || undefined;
  const progress = opts.onProgress === false ? undefined : (opts.onProgress ?? (await defaultProgress()));
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    progress?.({ file, loaded, total, done: false });
  }
  if (total !== undefined && loaded !== total)
    throw new HubDownloadError(`GET ${url}: got ${loaded} bytes, expected ${total} (connection cut?)`);
  const all = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.byteLength;
  }
  await writeFileAtomic(dest, all);
  progress?.({ file, loaded, total, done: true });
  return true;
}

/**
 * Find a model's files: a local folder (or a `config.json` path inside one), else a hub id whose
 * `config.json`, `model.safetensors` and tokenizer files are downloaded into the cache once.
 */
export async function resolvePretrained(
  pathOrHubId: string,
  opts: PretrainedOptions = {},
): Promise<ResolvedPretrained> {
  const { fs, path } = await nodeIo();
  const exists = (p: string) =>
    fs.stat(p).then(
      (s) => s,
      () => undefined,
    );
  let dir: string;
  const local = await exists(pathOrHubId);
  if (local) {
    dir = local.isDirectory() ? path.resolve(pathOrHubId) : path.dirname(path.resolve(pathOrHubId));
  } else {
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(pathOrHubId) || pathOrHubId.includes('..'))
      throw new HubDownloadError(`${pathOrHubId} is neither a local folder nor a hub id like org/name`);
    const endpoint = (opts.endpoint ?? env('HF_ENDPOINT') ?? 'https://huggingface.co').replace(/\/+$/, '');
    const revision = opts.revision ?? 'main';
    const home = env('HOME') ?? '.';
    const cache =
      opts.cacheDir ??
      env('SELFEVO_HUB_CACHE') ??
      (env('HF_HOME')
        ? path.join(env('HF_HOME') as string, 'selfevo-hub')
        : path.join(home, '.cache', 'selfevo', 'hub'));
    const host = endpoint.replace(/^https?:\/\//, '').replace(/[^\w.-]+/g, '_');
    dir = path.join(cache, host, pathOrHubId.replace('/', '--'), revision.replace(/[^\w.-]+/g, '_'));
    await fs.mkdir(dir, { recursive: true });
    const base = `${endpoint}/${pathOrHubId}/resolve/${encodeURIComponent(revision)}`;
    const marker = path.join(dir, '.complete');
    if (!(await exists(marker))) {
      for (const file of ['config.json', 'model.safetensors'])
        if (!(await exists(path.join(dir, file))))
          await download(`${base}/${file}`, path.join(dir, file), file, opts, false);
      for (const file of TOKENIZER_FILES)
        if (!(await exists(path.join(dir, file))))
          await download(`${base}/${file}`, path.join(dir, file), file, opts, true);
      await writeFileAtomic(marker, new Date().toISOString());
    }
  }
  const configPath = path.join(dir, 'config.json');
  if (!(await exists(configPath))) throw new ConfigError(`no config.json in ${dir}`);
  const weightsPath = path.join(dir, 'model.safetensors');
  if (!(await exists(weightsPath)))
    throw new ConfigError(
      `no model.safetensors in ${dir} (PyTorch .bin weights are not read; convert them with safetensors)`,
    );
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await fs.readFile(configPath, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${configPath} is not valid JSON: ${(e as Error).message}`);
  }
  return { dir, config, weights: new Uint8Array(await fs.readFile(weightsPath)) };
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
 * Write `config.json` and `model.safetensors` (HF names, F32, `format: pt`) into `dir`, the layout
 * `transformers` loads with `from_pretrained(dir)`; tokenizer files are copied from `tokenizerDir`.
 * Each file is written atomically.
 */
export async function savePretrained(
  model: ParameterModule,
  dir: string,
  opts: { tokenizerDir?: string; architecture?: string } = {},
): Promise<void> {
  const { fs, path } = await nodeIo();
  await fs.mkdir(dir, { recursive: true });
  const config = configToHf(model.config);
  config.architectures = [opts.architecture ?? model.constructor.name];
  await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(
    path.join(dir, 'model.safetensors'),
    writeSafetensors(model.stateDict(), { format: 'pt' }),
  );
  if (opts.tokenizerDir && path.resolve(opts.tokenizerDir) !== path.resolve(dir)) {
    for (const f of TOKENIZER_FILES) {
      const src = path.join(opts.tokenizerDir, f);
      const data = await fs.readFile(src).catch(() => undefined);
      if (data) await writeFileAtomic(path.join(dir, f), new Uint8Array(data));
    }
  }
}
