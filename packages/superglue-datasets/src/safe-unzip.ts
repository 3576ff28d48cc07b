import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { tempSibling } from '@selfevo/utils/node';
import { unzipSync } from 'fflate';
import { SuperGlueDatasetsError, UnsafeZipEntryError } from './errors.js';

export interface UnzipOptions {
  /** Refuse archives whose entries add up to more than this many uncompressed bytes (default 4 GiB). */
  maxTotalBytes?: number;
}

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
 * Extracts a zip (path or bytes) into `target` with fflate. Every entry name is checked first; one
 * unsafe name refuses the whole archive before anything is written. Files are written into a temp
 * folder beside `target`, which is renamed into place at the end (an existing `target` is replaced),
 * so a failed extraction leaves no partial folder. One entry is inflated at a time.
 */
export function extractZip(
  zip: string | Uint8Array,
  target: string,
  options: UnzipOptions = {},
): UnzipResult {
  const archive = typeof zip === 'string' ? zip : '<zip bytes>';
  const data = typeof zip === 'string' ? new Uint8Array(readFileSync(zip)) : zip;
  const maxTotal = options.maxTotalBytes ?? 4 * 1024 ** 3;
  const entries: { name: string; path: string; dir: boolean }[] = [];
  let total = 0;
  // Pass 1: names and sizes only (the filter returns false, so nothing is inflated).
  unzipSync(data, {
    filter: (f) => {
      const path = safeEntryPath(archive, target, f.name);
      total += f.originalSize;
      if (total > maxTotal) {
        throw new UnsafeZipEntryError(archive, f.name, `archive expands beyond ${maxTotal} bytes`);
      }
      entries.push({ name: f.name, path, dir: f.name.endsWith('/') || f.name.endsWith('\\') });
      return false;
    },
  });
  const tmp = tempSibling(resolve(target), 'extract');
  const files: string[] = [];
  let bytes = 0;
  try {
    mkdirSync(tmp, { recursive: true });
    for (const entry of entries) {
      if (entry.path === '') continue;
      const out = join(tmp, ...entry.path.split('/'));
      if (entry.dir) {
        mkdirSync(out, { recursive: true });
        continue;
      }
      const one = unzipSync(data, { filter: (f) => f.name === entry.name });
      const content = one[entry.name];
      if (!content)
        throw new SuperGlueDatasetsError(`zip entry ${entry.name} of ${archive} could not be read`);
      mkdirSync(join(out, '..'), { recursive: true });
      writeFileSync(out, content);
      files.push(entry.path);
      bytes += content.length;
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { files, bytes };
}
