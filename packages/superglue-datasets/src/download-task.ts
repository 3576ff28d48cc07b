import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { TaskName } from '@selfevo/superglue-tasks';
import {
  createProgress,
  type Progress,
  tempSibling,
  writeDirAtomic,
  writeFileAtomic,
} from '@selfevo/utils/node';
import { ChecksumMismatchError, DatasetOptionError, DownloadError, UnknownChecksumError } from './errors.js';
import { archiveName, OFFICIAL_BASE_URL, OFFICIAL_ZIP_SHA256 } from './official-archives.js';
import { extractZip } from './safe-unzip.js';

export type ProgressCallback = (receivedBytes: number, totalBytes: number | undefined) => void;

export interface DownloadOptions {
  /** Cache folder (default: `SUPERGLUE_CACHE`, else `~/.cache/selfevo/superglue`). */
  cacheDir?: string;
  /**
   * Where the zips live: an `http(s)://` URL, a `file://` URL or a local folder path
   * (default: the official `https://dl.fbaipublicfiles.com/glue/superglue/data/v2/`).
   */
  baseUrl?: string;
  /** Expected sha256 of the zip; required for archives without a known official hash (unless `allowUnverified`). */
  sha256?: string;
  /** Accept an archive whose hash is not known; the hash seen is written to `<zip>.sha256`. */
  allowUnverified?: boolean;
  /** `true`: a cli-progress bar on stderr; a function: called as bytes arrive; default: bar only on a TTY. */
  progress?: boolean | ProgressCallback;
  /** Download and extract again even when the cache holds the task. */
  force?: boolean;
}

export interface DownloadResult {
  task: TaskName;
  /** Folder to pass as `{ dir }` to the readers: it holds `<TASK>/…jsonl`. */
  dir: string;
  zipPath: string;
  sha256: string;
  /** Whether the sha256 was checked against a known or given hash. */
  verified: boolean;
  /** False when the zip came from the cache (re-hashed) instead of the source. */
  downloaded: boolean;
  files: string[];
}

export function defaultCacheDir(): string {
  return process.env.SUPERGLUE_CACHE || join(homedir(), '.cache', 'selfevo', 'superglue');
}

function sourceOf(baseUrl: string, name: string): { url: string; localPath?: string } {
  if (/^https?:\/\//i.test(baseUrl)) {
    return { url: new URL(name, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href };
  }
  const folder = baseUrl.startsWith('file:') ? fileURLToPath(baseUrl) : baseUrl;
  const localPath = join(isAbsolute(folder) ? folder : resolve(folder), name);
  return { url: localPath, localPath };
}

async function openSource(url: string, localPath: string | undefined) {
  if (localPath !== undefined) {
    if (!existsSync(localPath)) throw new DownloadError(url, 'no such file');
    return { stream: createReadStream(localPath), total: statSync(localPath).size };
  }
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw new DownloadError(url, (err as Error).message);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new DownloadError(url, `HTTP ${res.status} ${res.statusText}`);
  }
  const length = Number(res.headers.get('content-length'));
  return {
    stream: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>),
    total: Number.isFinite(length) && length > 0 ? length : undefined,
  };
}

/**
 * Byte progress of one download: the caller's callback; else a bar on stderr (`true`, or by
 * default when stderr is a TTY — a forced bar stays silent elsewhere); else nothing.
 */
function progressReporter(option: DownloadOptions['progress'], label: string) {
  if (typeof option === 'function') return { tick: option, stop: () => {} };
  const show = option ?? Boolean(process.stderr.isTTY);
  if (!show) return { tick: () => {}, stop: () => {} };
  let bar: Progress | undefined;
  return {
    tick: (received: number, total: number | undefined) => {
      bar ??= createProgress({ label, total, unit: 'bytes', mode: 'bar' });
      bar.update(received);
    },
    stop: () => bar?.stop(),
  };
}

/**
 * Streams `url` into `dest` atomically (a temp file, fsynced, then renamed), hashing as it goes.
 * `dest` is written only when the whole body arrived and its sha256 matches `expected` (when
 * given); otherwise the temp file is removed and a `DownloadError` / `ChecksumMismatchError` is
 * thrown, so the cache never holds a partial or wrong file.
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: {
    expected?: string;
    localPath?: string;
    progress?: DownloadOptions['progress'];
    label?: string;
  } = {},
): Promise<string> {
  const progress = progressReporter(options.progress, options.label ?? url);
  let source: Readable | undefined;
  try {
    const { stream, total } = await openSource(url, options.localPath);
    source = stream;
    // Errors reach us through the iteration below; a late second 'error' (a fetch body torn down
    // after the loop has already failed) must not become an uncaught exception.
    stream.on('error', () => {});
    let actual = '';
    // The body, checked as it streams: a broken transfer or a wrong hash throws from inside the
    // iteration, which makes writeFileAtomic discard the temp file.
    async function* verified(): AsyncGenerator<Buffer> {
      const hash = createHash('sha256');
      let received = 0;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          hash.update(chunk);
          received += chunk.length;
          progress.tick(received, total);
          yield chunk;
        }
      } catch (err) {
        throw err instanceof DownloadError ? err : new DownloadError(url, (err as Error).message);
      }
      if (total !== undefined && options.localPath === undefined && received !== total) {
        throw new DownloadError(url, `received ${received} of ${total} bytes`);
      }
      actual = hash.digest('hex');
      if (options.expected !== undefined && actual !== options.expected.toLowerCase()) {
        throw new ChecksumMismatchError(url, options.expected, actual);
      }
    }
    await writeFileAtomic(dest, verified());
    return actual;
  } finally {
    progress.stop();
    source?.destroy();
  }
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Gets one task's official zip into the cache and extracts it to `<cacheDir>/<TASK>/`.
 * The zip is checked against `sha256`, else the known official hash (`OFFICIAL_ZIP_SHA256`); an
 * archive without either is refused (`UnknownChecksumError`) unless `allowUnverified` is set.
 * A cached zip is re-hashed before reuse. Extraction refuses entries that would escape the folder.
 */
export async function downloadTask(task: TaskName, options: DownloadOptions = {}): Promise<DownloadResult> {
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const name = archiveName(task);
  const { url, localPath } = sourceOf(options.baseUrl ?? OFFICIAL_BASE_URL, name);
  const expected = (options.sha256 ?? OFFICIAL_ZIP_SHA256[task])?.toLowerCase();
  if (expected === undefined && !options.allowUnverified) throw new UnknownChecksumError(task, url);
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
    throw new DatasetOptionError(
      'sha256',
      `for ${task} must be 64 hex digits, got ${JSON.stringify(expected)}`,
    );
  }
  const zipDir = join(cacheDir, 'zips');
  mkdirSync(zipDir, { recursive: true });
  const zipPath = join(zipDir, name);
  const taskDir = join(cacheDir, task);
  const marker = join(taskDir, '.extracted-from');

  let sha256: string | undefined;
  if (!options.force && existsSync(zipPath)) {
    sha256 = await sha256OfFile(zipPath);
    if (expected !== undefined && sha256 !== expected) {
      rmSync(zipPath, { force: true });
      sha256 = undefined;
    }
  }
  let downloaded = false;
  if (sha256 === undefined) {
    sha256 = await downloadFile(url, zipPath, {
      expected,
      localPath,
      progress: options.progress,
      label: name,
    });
    downloaded = true;
    if (expected === undefined) await writeFileAtomic(`${zipPath}.sha256`, `${sha256}  ${name}\n`);
  }
  if (!downloaded && existsSync(marker) && readFileSync(marker, 'utf8').startsWith(sha256)) {
    return {
      task,
      dir: cacheDir,
      zipPath,
      sha256,
      verified: expected !== undefined,
      downloaded,
      files: listFiles(taskDir),
    };
  }
  await writeDirAtomic(taskDir, async (tmp) => {
    const staging = tempSibling(tmp, 'unzipped');
    try {
      extractZip(zipPath, staging);
      // The official zips hold a top folder named like the task (`CB/train.jsonl`); accept a flat zip too.
      const inner = join(staging, task);
      const root = existsSync(inner) && statSync(inner).isDirectory() ? inner : staging;
      for (const entry of readdirSync(root)) renameSync(join(root, entry), join(tmp, entry));
      writeFileSync(join(tmp, '.extracted-from'), `${sha256}  ${name}\n`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
  return {
    task,
    dir: cacheDir,
    zipPath,
    sha256,
    verified: expected !== undefined,
    downloaded,
    files: listFiles(taskDir),
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) =>
      join(d.parentPath ?? d.path, d.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}
