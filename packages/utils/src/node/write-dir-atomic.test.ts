import { mkdir, mkdtemp, open, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveAtomicDir, writeDirAtomic } from './write-dir-atomic.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'selfevo-atomic-dir-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fresh(name: string): Promise<string> {
  const d = join(root, name);
  await mkdir(d);
  return d;
}

describe('writeDirAtomic', () => {
  it('creates the folder (and missing parents) from what build writes, and returns its value', async () => {
    const parent = await fresh('create');
    const dir = join(parent, 'deep', 'ckpt');
    const value = await writeDirAtomic(dir, async (tmp) => {
      expect(tmp.startsWith(`${dir}.tmp-`)).toBe(true);
      await writeFile(join(tmp, 'a.json'), '{"a":1}');
      await mkdir(join(tmp, 'sub'));
      await writeFile(join(tmp, 'sub', 'b.bin'), new Uint8Array([7]));
      return 42;
    });
    expect(value).toBe(42);
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'sub']);
    expect(await readFile(join(dir, 'sub', 'b.bin'))).toEqual(Buffer.from([7]));
    expect(await readdir(join(parent, 'deep'))).toEqual(['ckpt']);
  });

  it('replaces an existing folder entirely and leaves no .tmp-/.old- sibling', async () => {
    const parent = await fresh('replace');
    const dir = join(parent, 'prompt');
    await writeDirAtomic(dir, (tmp) => writeFile(join(tmp, 'stale.txt'), 'v1'));
    await writeDirAtomic(dir, (tmp) => writeFile(join(tmp, 'config.json'), 'v2'));
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await readdir(parent)).toEqual(['prompt']);
  });

  it('a build that fails leaves the old folder as it was and removes the temp folder', async () => {
    const parent = await fresh('fails');
    const dir = join(parent, 'ckpt');
    await writeDirAtomic(dir, (tmp) => writeFile(join(tmp, 'model.safetensors'), 'old weights'));
    await expect(
      writeDirAtomic(dir, async (tmp) => {
        await writeFile(join(tmp, 'model.safetensors'), 'new weights, half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readFile(join(dir, 'model.safetensors'), 'utf8')).toBe('old weights');
    expect(await readdir(parent)).toEqual(['ckpt']);
  });

  it('fsyncs every file written by build, the folders, and the parent', async () => {
    const parent = await fresh('fsync');
    const probe = await open(join(parent, '.probe'), 'w');
    await probe.close();
    await rm(join(parent, '.probe'));
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as { sync(): Promise<void> }, 'sync');
    try {
      await writeDirAtomic(join(parent, 'd'), async (tmp) => {
        await writeFile(join(tmp, 'one'), '1');
        await writeFile(join(tmp, 'two'), '2');
      });
      expect(sync).toHaveBeenCalledTimes(4); // two files, the new folder, its parent
    } finally {
      sync.mockRestore();
    }
  });
});

describe('resolveAtomicDir', () => {
  it('is the folder itself when it is complete', async () => {
    const parent = await fresh('resolve-present');
    const dir = join(parent, 'ckpt');
    await writeDirAtomic(dir, (tmp) => writeFile(join(tmp, 'state.json'), '{}'));
    expect(await resolveAtomicDir(dir, 'state.json')).toBe(dir);
    expect(await resolveAtomicDir(dir)).toBe(dir);
  });

  it('falls back to the newest complete .old- sibling a killed swap left, else undefined', async () => {
    const parent = await fresh('resolve-swap');
    const dir = join(parent, 'ckpt');
    expect(await resolveAtomicDir(dir, 'state.json')).toBeUndefined();
    for (const [tag, when] of [
      ['1-a', 1_000],
      ['9-b', 3_000],
      ['5-c', 2_000],
    ] as const) {
      const d = `${dir}.old-${tag}`;
      await mkdir(d);
      await writeFile(join(d, 'state.json'), tag);
      await utimes(join(d, 'state.json'), when, when);
      await utimes(d, when, when);
    }
    await mkdir(`${dir}.old-99-incomplete`); // no marker: never chosen
    await mkdir(`${dir}.tmp-3-d`); // an unfinished new folder: never chosen
    await writeFile(join(`${dir}.tmp-3-d`, 'state.json'), 'partial');
    expect(await resolveAtomicDir(dir, 'state.json')).toBe(`${dir}.old-9-b`);
    await mkdir(dir); // the folder exists but is incomplete
    expect(await resolveAtomicDir(dir, 'state.json')).toBe(`${dir}.old-9-b`);
  });
});
