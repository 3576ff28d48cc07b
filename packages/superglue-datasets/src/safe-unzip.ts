import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  readZipDirectory,
  streamZipEntry,
  type ZipEntry,
  ZipLimitError,
  type ZipLimits,
} from '@selfevo/superglue-tasks';
import { tempSibling } from '@selfevo/utils/node';
import { DatasetOptionError, UnsafeZipEntryError } from './errors.js';
import { parseOptions, ZipLimitsSchema } from './input-schemas.js';

/** Limits of an archive to extract (see `DATA_ZIP_LIMITS` for the defaults). */
export type UnzipOptions = Partial<ZipLimits>;

/**
 * Defaults for the official task zips (the largest, ReCoRD.zip, is 51 MB and expands ~3× to
 * ~165 MB): archive 512 MiB, 1,000 entries, 1 GiB per entry, 2 GiB in all, at most 200× expansion
 * per entry over 1 MiB (text zips expand 3–10×; a zip bomb ~1000×).
 */
export const DATA_ZIP_LIMITS: Readonly<ZipLimits> = {
  maxArchiveBytes: 512 * 1024 ** 2,
  maxEntries: 1000,
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 2 * 1024 ** 3,
  maxRatio: 200,
};

/**
 * The relative path an entry may be written to, or an `UnsafeZipEntryError` for a name that is
 * absolute, has a drive letter, a `..` segment, a NUL byte, or resolves outside `target`.
 * Backslashes count as separators (zips made on Windows).
 */
export function safeEntryPath(archive: string, target: string, name: string): string {
  if (name.includes('\0')) throw new UnsafeZipEntryError(archive, name, 'NUL byte in the name');
  const normal = name.replace(/\\/g, '/');
  if (normal.startsWith('/') || isAbsolute(normal)) {
    throw new UnsafeZipEntryError(archive, name, 'absolute path');
  }
  if (/^[a-zA-Z]:/.test(normal)) throw new UnsafeZipEntryError(archive, name, 'drive letter');
  const parts = normal.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw new UnsafeZipEntryError(archive, name, '".." path segment escapes the target');
  const root = resolve(target);
  const full = resolve(root, ...parts);
  const rel = relative(root, full);
  if (rel === '' && parts.length > 0)
    throw new UnsafeZipEntryError(archive, name, 'resolves to the target itself');
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new UnsafeZipEntryError(archive, name, 'resolves outside the target folder');
  }
  return parts.join('/');
}

export interface UnzipResult {
  /** Relative paths (with `/`) of the files written. */
  files: string[];
  bytes: number;
}

/**
 * Checks a whole archive in memory without writing anything: the directory against `limits`, then
 * every entry inflated (streamed, nothing kept) with its size and CRC-32. Throws the
 * `ZipLimitError` / `ZipFormatError` of `@selfevo/superglue-tasks`, naming the entry.
 */
export function verifyZipBytes(zip: Uint8Array, limits: ZipLimits, archive: string): ZipEntry[] {
  const entries = readZipDirectory(zip, limits, archive);
  for (const entry of entries) if (!entry.directory) streamZipEntry(zip, entry, archive, () => {});
  return entries;
}

interface PlannedEntry {
  entry: ZipEntry;
  path: string;
}

/** Every entry's safe path; two entries on one path, or a file where another needs a folder, are refused. */
function planEntries(archive: string, target: string, entries: ZipEntry[]): PlannedEntry[] {
  const files = new Set<string>();
  const folders = new Set<string>();
  const plan: PlannedEntry[] = [];
  for (const entry of entries) {
    const path = safeEntryPath(archive, target, entry.name);
    if (path === '') continue;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    if (entry.directory) folders.add(path);
    else if (files.has(path))
      throw new UnsafeZipEntryError(archive, entry.name, `a second entry for ${path}`);
    else files.add(path);
    plan.push({ entry, path });
  }
  for (const f of files) {
    if (folders.has(f)) throw new UnsafeZipEntryError(archive, f, 'is both a file and a folder');
  }
  return plan;
}

function writeEntry(zip: Uint8Array, entry: ZipEntry, archive: string, out: string): void {
  const fd = openSync(out, 'wx');
  try {
    streamZipEntry(zip, entry, archive, (chunk) => {
      for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Extracts a zip (path or bytes) into `target`. The archive is read once: its directory is checked
 * against the limits (`DATA_ZIP_LIMITS`, overridable) and every entry name is checked before
 * anything is written — one unsafe name (`UnsafeZipEntryError`) or limit (`ZipLimitError`) refuses
 * the whole archive. Entries are streamed to disk one at a time, their size and CRC-32 checked
 * (`ZipFormatError` naming the entry). Files go to a temp folder beside `target`, renamed into
 * place at the end (an existing `target` is replaced); a failure leaves no partial folder.
 */
export function extractZip(
  zip: string | Uint8Array,
  target: string,
  options: UnzipOptions = {},
): UnzipResult {
  const limits: ZipLimits = { ...DATA_ZIP_LIMITS, ...parseOptions(ZipLimitsSchema, options) };
  const archive = typeof zip === 'string' ? zip : '<zip bytes>';
  if (typeof zip === 'string') {
    if (!existsSync(zip) || !statSync(zip).isFile())
      throw new DatasetOptionError('zip', `no such file: ${zip}`);
    const size = statSync(zip).size;
    if (size > limits.maxArchiveBytes) {
      throw new ZipLimitError(
        archive,
        undefined,
        'maxArchiveBytes',
        size,
        limits.maxArchiveBytes,
        `archive is ${size} bytes, over maxArchiveBytes (${limits.maxArchiveBytes})`,
      );
    }
  }
  const data = typeof zip === 'string' ? new Uint8Array(readFileSync(zip)) : zip;
  const plan = planEntries(archive, target, readZipDirectory(data, limits, archive));
  const tmp = tempSibling(resolve(target), 'extract');
  const files: string[] = [];
  let bytes = 0;
  try {
    mkdirSync(tmp, { recursive: true });
    for (const { entry, path } of plan) {
      const out = join(tmp, ...path.split('/'));
      if (entry.directory) {
        mkdirSync(out, { recursive: true });
        continue;
      }
      mkdirSync(join(out, '..'), { recursive: true });
      writeEntry(data, entry, archive, out);
      files.push(path);
      bytes += entry.size;
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { files, bytes };
}
