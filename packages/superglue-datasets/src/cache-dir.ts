import { readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CachePathError } from './errors.js';

/** `SUPERGLUE_CACHE`, else `~/.cache/selfevo/superglue`. */
export function defaultCacheDir(): string {
  return process.env.SUPERGLUE_CACHE || join(homedir(), '.cache', 'selfevo', 'superglue');
}

/**
 * `path`, resolved, when it lies strictly inside `cacheDir`; else `CachePathError`. Every write,
 * replace and delete of the download cache goes through this first, so no input (a task name, a
 * zip entry, a symlinked parent) can make the cache code touch anything outside its folder.
 */
export function assertInsideCache(cacheDir: string, path: string): string {
  const root = resolve(cacheDir);
  const full = resolve(path);
  const rel = relative(root, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new CachePathError(root, full);
  }
  return full;
}

/** Whether a process with this id is running (EPERM: it is, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files and folders a killed download or extraction of `task` left in the cache
 * (`<TASK>.tmp-<pid>-…`, `<TASK>.old-<pid>-…` of the folder swap, hidden `.<TASK>….<pid>.<hex>.<tag>`
 * temp siblings, in the cache and in `zips/`), when the process that made them is gone. Temps of
 * a running process (this one included) are left alone. Returns the paths removed.
 */
export function removeStaleTemps(cacheDir: string, task: string): string[] {
  const removed: string[] = [];
  for (const dir of [cacheDir, join(cacheDir, 'zips')]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const bare = name.replace(/^\.+/, '');
      const isSwap = name.startsWith(`${task}.tmp-`) || name.startsWith(`${task}.old-`);
      const isSibling = name.startsWith('.') && bare.startsWith(`${task}.`);
      if (!isSwap && !isSibling) continue;
      const pid = /[.-](\d+)[.-]/.exec(bare.slice(task.length))?.[1];
      if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
      const path = assertInsideCache(cacheDir, join(dir, name));
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}
