import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncDir, fsyncTree } from './fsync.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Write a folder atomically: `build(tmpDir)` fills a fresh sibling `<dir>.tmp-<tag>`; every file
 * in it is then fsynced and it replaces `dir` (an existing `dir` is first moved to
 * `<dir>.old-<tag>`, removed once the new folder is in place). A crash leaves the old folder or
 * the new one — or, between the two renames, only `<dir>.old-<tag>`, which `resolveAtomicDir`
 * finds. If `build` throws, the temp folder is removed, `dir` is untouched and the error is
 * re-thrown. Returns what `build` returns.
 */
export async function writeDirAtomic<T>(dir: string, build: (tmpDir: string) => Promise<T> | T): Promise<T> {
  const abs = resolve(dir);
  const parent = dirname(abs);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const tmp = `${abs}.tmp-${tag}`;
  await mkdir(tmp);
  let result: T;
  try {
    result = await build(tmp);
    await fsyncTree(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = `${abs}.old-${tag}`;
  const existed = await exists(abs);
  if (existed) await rename(abs, old);
  try {
    await rename(tmp, abs);
  } catch (err) {
    if (existed) await rename(old, abs).catch(() => {});
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await fsyncDir(parent);
  if (existed) await rm(old, { recursive: true, force: true });
  return result;
}

/**
 * The complete folder `writeDirAtomic` last wrote to `dir`: `dir` itself when it exists (and holds
 * `marker`, when given), else the newest `<dir>.old-*` sibling holding `marker` — the previous
 * folder, left there when a save was killed between its two renames — else `undefined`.
 */
export async function resolveAtomicDir(dir: string, marker?: string): Promise<string | undefined> {
  const abs = resolve(dir);
  if (await exists(marker === undefined ? abs : join(abs, marker))) return abs;
  const prefix = `${basename(abs)}.old-`;
  const names = await readdir(dirname(abs)).catch(() => [] as string[]);
  let best: { path: string; mtimeMs: number } | undefined;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const path = join(dirname(abs), name);
    const st = await stat(marker === undefined ? path : join(path, marker)).catch(() => undefined);
    if (st && (!best || st.mtimeMs > best.mtimeMs)) best = { path, mtimeMs: st.mtimeMs };
  }
  return best?.path;
}
