import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export { checkpointDirName, checkpointsToDelete } from './checkpoint-names.js';

const CHECKPOINT_RE = /^checkpoint-(\d+)$/;
const LEFTOVER_RE = /^checkpoint-(\d+)\.(tmp|old)-/;
/** The temp file of an atomic rewrite of `log.jsonl` (`writeFileAtomic`'s `.<name>.<pid>.<hex>.tmp`). */
const LOG_TEMP_RE = /^\.log\.jsonl\.\d+\.[0-9a-f]+\.tmp$/;

/** Complete checkpoints in `outputDir` (atomic saves mean a final name is complete), oldest first. */
export async function listCheckpoints(outputDir: string): Promise<{ step: number; dir: string }[]> {
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((n) => CHECKPOINT_RE.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), dir: join(outputDir, m[0]) }))
    .sort((a, b) => a.step - b.step);
}

/** The newest complete checkpoint in `outputDir`, or null. */
export async function latestCheckpoint(outputDir: string): Promise<string | null> {
  const all = await listCheckpoints(outputDir);
  return all.length ? all[all.length - 1].dir : null;
}

/**
 * Clean up after a save that was killed: `checkpoint-N.tmp-*` (an unfinished new checkpoint) is
 * removed; `checkpoint-N.old-*` (the previous checkpoint N, moved aside while being replaced) is
 * moved back if `checkpoint-N` is missing, else removed; the temp file of a killed rewrite of
 * `log.jsonl` is removed. (`checkpoint-N.damaged-*` folders are never touched.)
 */
export async function removeLeftovers(outputDir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(outputDir);
  } catch {
    return;
  }
  for (const n of names.sort()) {
    if (LOG_TEMP_RE.test(n)) await rm(join(outputDir, n), { force: true });
    const m = LEFTOVER_RE.exec(n);
    if (!m) continue;
    const final = join(outputDir, `checkpoint-${m[1]}`);
    if (m[2] === 'old' && !(await exists(final))) await rename(join(outputDir, n), final);
    else await rm(join(outputDir, n), { recursive: true, force: true });
  }
}

/**
 * Move a damaged checkpoint folder out of the way (never delete it): `checkpoint-N` becomes
 * `checkpoint-N.damaged-<UTC time>`, which is no checkpoint for listing, resuming or rotation.
 * Returns the new path.
 */
export async function moveAsideDamaged(dir: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let target = `${dir}.damaged-${stamp}`;
  for (let i = 1; await exists(target); i++) target = `${dir}.damaged-${stamp}-${i}`;
  await rename(dir, target);
  return target;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
