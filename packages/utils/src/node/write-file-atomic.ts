import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncDir } from './fsync.js';

/** A whole file's content, or its chunks in order (e.g. JSONL lines streamed by a generator). */
export type AtomicFileData =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>;

/**
 * A hidden temp name next to `path` (same folder, so renaming it over `path` is atomic):
 * `.<name>.<pid>.<random>.<tag>`.
 */
export function tempSibling(path: string, tag = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.${tag}`);
}

/**
 * Write a file atomically and durably: the folder is created if missing, the data goes to a temp
 * file in the same folder, which is fsynced and renamed over `path`, then the folder is fsynced.
 * A reader, or a process killed mid-write, sees the old file or the new one, never a part. If
 * anything fails (including the data iterable throwing) the temp file is removed, `path` is
 * untouched and the error is re-thrown. Strings are written as UTF-8.
 */
export async function writeFileAtomic(
  path: string,
  data: AtomicFileData,
  options: { mode?: number } = {},
): Promise<void> {
  const abs = resolve(path);
  const dir = dirname(abs);
  await mkdir(dir, { recursive: true });
  const tmp = tempSibling(abs);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'wx', options.mode);
    if (typeof data === 'string' || data instanceof Uint8Array) await fh.writeFile(data);
    // On a handle, writeFile writes from the current position: consecutive calls append.
    else for await (const chunk of data) await fh.writeFile(chunk);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, abs);
  } catch (err) {
    await fh?.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}
