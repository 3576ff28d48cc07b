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
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTaskName, type TaskName, type ZipLimits } from '@selfevo/superglue-tasks';
import { tempSibling, writeDirAtomic, writeFileAtomic } from '@selfevo/utils/node';
import { assertInsideCache, defaultCacheDir, removeStaleTemps } from './cache-dir.js';
import { downloadFile, type NetworkOptions, type ProgressCallback } from './download-file.js';
import { UnknownChecksumError } from './errors.js';
import { DownloadOptionsSchema, parseOptions } from './input-schemas.js';
import { archiveName, OFFICIAL_BASE_URL, OFFICIAL_ZIP_SHA256 } from './official-archives.js';
import { DATA_ZIP_LIMITS, extractZip, type UnzipOptions } from './safe-unzip.js';

export interface DownloadOptions extends NetworkOptions {
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
  /** Limits of the archive (default `DATA_ZIP_LIMITS`). */
  zipLimits?: UnzipOptions;
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

function sourceOf(baseUrl: string, name: string): { url: string; localPath?: string } {
  if (/^https?:\/\//i.test(baseUrl)) {
    return { url: new URL(name, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href };
  }
  const folder = baseUrl.startsWith('file:') ? fileURLToPath(baseUrl) : baseUrl;
  const localPath = join(isAbsolute(folder) ? folder : resolve(folder), name);
  return { url: localPath, localPath };
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The hash an earlier unverified download recorded beside the zip (`<hex>  <name>`), if any. */
function recordedHash(sidecar: string): string | undefined {
  if (!existsSync(sidecar)) return undefined;
  const hex = readFileSync(sidecar, 'utf8').slice(0, 64);
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/**
 * Gets one task's official zip into the cache and extracts it to `<cacheDir>/<TASK>/`.
 * `task` goes through the allow-list first (`parseTaskName`: the ten names, case-insensitive), and
 * every path written or deleted is checked to lie inside the cache (`assertInsideCache`).
 * The zip is checked against `sha256`, else the known official hash (`OFFICIAL_ZIP_SHA256`); an
 * archive without either is refused (`UnknownChecksumError`) unless `allowUnverified` is set.
 * Before it lands in the cache, every download is verified: its first bytes must be a zip (an
 * HTML page is refused: `UnexpectedContentError`), its hash must match, and the whole archive is
 * read against the zip limits with every CRC. A cached zip is re-hashed before reuse and checked
 * against the pinned hash or, for an unverified one, the hash recorded beside it; a mismatch is
 * downloaded again. Stale temp files of killed runs are removed. Extraction refuses entries that
 * would escape the folder.
 */
export async function downloadTask(name: TaskName, options: DownloadOptions = {}): Promise<DownloadResult> {
  const task = parseTaskName(name);
  parseOptions(DownloadOptionsSchema, options);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const archive = archiveName(task);
  const { url, localPath } = sourceOf(options.baseUrl ?? OFFICIAL_BASE_URL, archive);
  const expected = (options.sha256 ?? OFFICIAL_ZIP_SHA256[task])?.toLowerCase();
  if (expected === undefined && !options.allowUnverified) throw new UnknownChecksumError(task, url);
  const limits: ZipLimits = { ...DATA_ZIP_LIMITS, ...options.zipLimits };
  const zipDir = assertInsideCache(cacheDir, join(cacheDir, 'zips'));
  mkdirSync(zipDir, { recursive: true });
  removeStaleTemps(cacheDir, task);
  const zipPath = assertInsideCache(cacheDir, join(zipDir, archive));
  const sidecar = assertInsideCache(cacheDir, `${zipPath}.sha256`);
  const taskDir = assertInsideCache(cacheDir, join(cacheDir, task));
  const marker = join(taskDir, '.extracted-from');

  let sha256: string | undefined;
  if (!options.force && existsSync(zipPath)) {
    sha256 = await sha256OfFile(zipPath);
    if (sha256 !== (expected ?? recordedHash(sidecar))) {
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
      label: archive,
      expect: 'zip',
      zipLimits: limits,
      maxBytes: limits.maxArchiveBytes,
      retries: options.retries,
      timeoutMs: options.timeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      backoff: options.backoff,
    });
    downloaded = true;
    if (expected === undefined) await writeFileAtomic(sidecar, `${sha256}  ${archive}\n`);
  }
  const result = { task, dir: cacheDir, zipPath, sha256, verified: expected !== undefined, downloaded };
  if (!downloaded && existsSync(marker) && readFileSync(marker, 'utf8').startsWith(sha256)) {
    return { ...result, files: listFiles(taskDir) };
  }
  await writeDirAtomic(taskDir, async (tmp) => {
    const staging = assertInsideCache(cacheDir, tempSibling(tmp, 'unzipped'));
    try {
      extractZip(zipPath, staging, limits);
      // The official zips hold a top folder named like the task (`CB/train.jsonl`); accept a flat zip too.
      const inner = join(staging, task);
      const root = existsSync(inner) && statSync(inner).isDirectory() ? inner : staging;
      for (const entry of readdirSync(root)) renameSync(join(root, entry), join(tmp, entry));
      writeFileSync(join(tmp, '.extracted-from'), `${sha256}  ${archive}\n`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
  return { ...result, files: listFiles(taskDir) };
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
