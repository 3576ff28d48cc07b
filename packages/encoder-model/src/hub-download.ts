// Downloads of a model's files from the Hugging Face hub (or a mirror) into a cache folder:
// every read with timeouts and retries (`fetchWithRetry`), every file verified before it lands in
// the cache (content, length, the sha256 the hub announces), the folder marked complete last.
import { FetchError, type FetchResponseInfo, fetchWithRetry } from '@selfevo/utils';
import { configFromHf } from './config.js';
import { HubDownloadError } from './errors.js';
import { nodeCrypto, nodeIo, utilsNode, writeFileAtomic } from './node-io.js';
import {
  checkEndpoint,
  checkRepoFile,
  checkRepoId,
  checkRevision,
  type PretrainedOptions,
} from './pretrained-options.js';
import { MAX_HEADER_BYTES, readSafetensorsHeader } from './safetensors-header.js';

/** Tokenizer files fetched (when present) and copied along by `savePretrained`. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
];

/** Largest JSON / text file accepted (tokenizer files of the largest vocabularies are ~30 MB). */
const MAX_TEXT_BYTES = 2 ** 28;
/** Largest weights file: the parameter ceiling (2^31) in float64, plus the largest header. */
const MAX_WEIGHTS_BYTES = 2 ** 34 + MAX_HEADER_BYTES;

/** What `.complete` records of each verified file. */
interface FileRecord {
  bytes: number;
  sha256: string;
}
interface Manifest {
  version: 1;
  files: Record<string, FileRecord>;
}

function env(name: string): string | undefined {
  return typeof process !== 'undefined' ? process.env[name] : undefined;
}

const isHtml = (text: string) => /^\s*<(!doctype html|html[\s>])/i.test(text);

/**
 * The content check of one file as it streams: safetensors — the header (length, JSON, entries)
 * and that the ranges cover the file exactly; JSON — valid UTF-8 JSON (`config.json`: a valid
 * encoder config); text — valid UTF-8; none of them an HTML page. Throws `HubDownloadError`.
 */
class ContentCheck {
  private readonly kept: Uint8Array[] = [];
  private keptBytes = 0;
  private readonly weights: boolean;
  /** safetensors: where the header ends (known once 8 bytes arrived). */
  private headerEnd: number | undefined;
  constructor(
    private readonly file: string,
    private readonly url: string,
  ) {
    this.weights = file.endsWith('.safetensors');
  }

  private fail(why: string, cause?: unknown): never {
    throw new HubDownloadError(`GET ${this.url}: ${why}; nothing was cached`, { cause });
  }

  private joined(): Uint8Array {
    const out = new Uint8Array(this.keptBytes);
    let at = 0;
    for (const c of this.kept) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  push(chunk: Uint8Array): void {
    // safetensors: keep only the first 8 + header bytes, and refuse at once a header length no
    // safetensors file has (an HTML page's first 8 bytes give ~10^18)
    if (this.headerEnd !== undefined && this.keptBytes >= this.headerEnd) return;
    this.kept.push(chunk);
    this.keptBytes += chunk.length;
    if (this.weights && this.headerEnd === undefined && this.keptBytes >= 8) {
      const head = this.joined();
      const view = new DataView(head.buffer);
      const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
      if (n > MAX_HEADER_BYTES) this.fail(this.notSafetensors(head));
      this.headerEnd = 8 + n;
    }
  }

  private notSafetensors(head: Uint8Array): string {
    const text = new TextDecoder().decode(head.subarray(0, 64));
    return isHtml(text)
      ? `${this.file} is an HTML page, not the file (an error page served with status 200?)`
      : `${this.file} is not a safetensors file (its first 8 bytes give no plausible header length)`;
  }

  end(totalBytes: number): void {
    const all = this.joined();
    if (this.weights) {
      try {
        readSafetensorsHeader(all, totalBytes);
      } catch (e) {
        this.fail(`${this.file} does not verify (${(e as Error).message})`, e);
      }
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(all);
    } catch (e) {
      this.fail(`${this.file} is not valid UTF-8 text`, e);
    }
    if (isHtml(text))
      this.fail(`${this.file} is an HTML page, not the file (an error page served with status 200?)`);
    if (!this.file.endsWith('.json')) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      this.fail(`${this.file} is not valid JSON (${(e as Error).message})`, e);
    }
    if (this.file === 'config.json') configFromHf(json, { file: this.url }); // ConfigError naming the URL
  }
}

/** The sha256 the hub announces for a file: `X-Linked-Etag` (LFS) or `ETag`, when 64 hex digits. */
function announcedSha256(headers: Headers): string | undefined {
  const tag = headers.get('x-linked-etag') ?? headers.get('etag') ?? '';
  const value = tag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

/**
 * Stream `body` into `dest` through `writeFileAtomic`, verifying it on the way; any failure throws
 * from inside the stream, so the temp file is removed and `dest` never holds unverified bytes.
 */
async function writeVerified(
  dest: string,
  file: string,
  url: string,
  body: AsyncIterable<Uint8Array>,
  info: FetchResponseInfo,
): Promise<FileRecord> {
  const type = info.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type))
    throw new HubDownloadError(
      `GET ${url}: the server sent an HTML page (content-type ${type}), not ${file}; nothing was cached`,
    );
  const expected = announcedSha256(info.headers);
  const hash = (await nodeCrypto()).createHash('sha256');
  const check = new ContentCheck(file, url);
  const record: FileRecord = { bytes: 0, sha256: '' };
  async function* verified(): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      hash.update(chunk);
      check.push(chunk);
      record.bytes += chunk.length;
      yield chunk;
    }
    check.end(record.bytes);
    record.sha256 = hash.digest('hex');
    if (expected && record.sha256 !== expected)
      throw new HubDownloadError(
        `GET ${url}: ${file} has sha256 ${record.sha256}, but the hub announced ${expected}; nothing was cached`,
      );
  }
  await writeFileAtomic(dest, verified());
  return record;
}

/** Progress of one file: the caller's callback, `createProgress` on stderr by default, or nothing. */
async function progressFor(file: string, opts: PretrainedOptions) {
  const cb = opts.onProgress;
  if (cb === false) return { tick: () => {}, done: () => {} };
  if (cb) {
    let last = { loaded: 0, total: undefined as number | undefined };
    return {
      tick: (loaded: number, total: number | undefined) => {
        last = { loaded, total };
        cb({ file, loaded, total, done: false });
      },
      done: () => cb({ file, ...last, done: true }),
    };
  }
  const { createProgress } = await utilsNode();
  let bar: ReturnType<typeof createProgress> | undefined;
  return {
    tick: (loaded: number, total: number | undefined) => {
      bar ??= createProgress({ label: file, total, unit: 'bytes' });
      bar.update(loaded);
    },
    done: () => bar?.stop(),
  };
}

/** Download one file into `dest` (verified); undefined when it is optional and the hub has none. */
async function downloadFile(
  url: string,
  dest: string,
  file: string,
  optional: boolean,
  opts: PretrainedOptions,
): Promise<FileRecord | undefined> {
  const token = opts.token ?? env('HF_TOKEN');
  const progress = await progressFor(file, opts);
  try {
    const r = await fetchWithRetry(url, {
      init: { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'follow' },
      idleTimeoutMs: opts.idleTimeoutMs,
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      backoff: opts.backoff,
      fetch: opts.fetch,
      maxBytes: file.endsWith('.safetensors') ? MAX_WEIGHTS_BYTES : MAX_TEXT_BYTES,
      onProgress: progress.tick,
      read: (body, info) => writeVerified(dest, file, url, body, info),
    });
    progress.done();
    return r.body;
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    if (optional && e.kind === 'http' && e.status === 404) return undefined;
    const attempts = e.maxAttempts > 1 ? ` (attempt ${e.attempt} of ${e.maxAttempts})` : '';
    throw new HubDownloadError(`GET ${url} → ${e.detail}${attempts}`, { cause: e });
  }
}

/** The verified record of a file already in the cache folder, or undefined (removed) when it fails. */
async function verifyCached(path: string, file: string): Promise<FileRecord | undefined> {
  const { fs } = await nodeIo();
  const bytes = await fs.readFile(path).catch(() => undefined);
  if (!bytes) return undefined;
  try {
    const check = new ContentCheck(file, path);
    check.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    check.end(bytes.byteLength);
  } catch {
    await fs.rm(path, { force: true });
    return undefined;
  }
  const sha256 = (await nodeCrypto()).createHash('sha256').update(bytes).digest('hex');
  return { bytes: bytes.byteLength, sha256 };
}

/** The manifest in `.complete` when every file it lists is there with its size; else undefined. */
async function completeManifest(dir: string): Promise<Manifest | undefined> {
  const { fs, path } = await nodeIo();
  try {
    const m = JSON.parse(await fs.readFile(path.join(dir, '.complete'), 'utf8')) as Manifest;
    if (m?.version !== 1 || typeof m.files !== 'object' || !m.files['model.safetensors']) return undefined;
    for (const [file, rec] of Object.entries(m.files)) {
      checkRepoFile(file);
      if ((await fs.stat(path.join(dir, file))).size !== rec.bytes) return undefined;
    }
    return m;
  } catch {
    return undefined;
  }
}

/** Remove temp files `writeFileAtomic` left behind in `dir` (`.<name>.<pid>.<hex>.tmp`) of processes that are gone. */
async function removeStaleTemps(dir: string): Promise<void> {
  const { fs, path } = await nodeIo();
  for (const name of await fs.readdir(dir)) {
    const m = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name);
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) await fs.rm(path.join(dir, name), { force: true });
  }
}

/**
 * The cache folder of `repo` at `revision` with its files downloaded and verified: `config.json`,
 * `model.safetensors` and the tokenizer files the hub has. Names are checked against the hub's
 * allow-lists before any request or folder; a folder is reused only when its `.complete`
 * manifest matches what is on disk (files left by an interrupted or older download are verified
 * again, and replaced when they fail).
 */
export async function downloadFromHub(repo: string, opts: PretrainedOptions): Promise<string> {
  checkRepoId(repo);
  const endpoint = checkEndpoint(opts.endpoint ?? env('HF_ENDPOINT') ?? 'https://huggingface.co');
  const revision = opts.revision ?? 'main';
  checkRevision(revision);
  const { fs, path } = await nodeIo();
  const root = path.resolve(
    opts.cacheDir ??
      env('SELFEVO_HUB_CACHE') ??
      (env('HF_HOME')
        ? path.join(env('HF_HOME') as string, 'selfevo-hub')
        : path.join(env('HOME') ?? '.', '.cache', 'selfevo', 'hub')),
  );
  const host = endpoint.replace(/^https?:\/\//, '').replace(/[^\w.-]+/g, '_');
  const dir = path.join(root, host, repo.replace('/', '--'), encodeURIComponent(revision));
  if (path.relative(root, dir).split(path.sep).includes('..'))
    throw new HubDownloadError(`${repo}@${revision} would be cached outside ${root}`);
  if (await completeManifest(dir)) return dir;
  await fs.mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);
  const base = `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}`;
  const manifest: Manifest = { version: 1, files: {} };
  const wanted: [string, boolean][] = [
    ['config.json', false],
    ['model.safetensors', false],
    ...TOKENIZER_FILES.map((f): [string, boolean] => [f, true]),
  ];
  for (const [file, optional] of wanted) {
    checkRepoFile(file);
    const dest = path.join(dir, file);
    const rec =
      (await verifyCached(dest, file)) ?? (await downloadFile(`${base}/${file}`, dest, file, optional, opts));
    if (rec) manifest.files[file] = rec;
  }
  await writeFileAtomic(path.join(dir, '.complete'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
