// Node file-system access, loaded lazily so that browser bundles of this package never pull in
// `node:fs` (the specifier is a variable, so bundlers leave it alone).
type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

let cached: { fs: Fs; path: Path } | undefined;

export async function nodeIo(): Promise<{ fs: Fs; path: Path }> {
  if (cached) return cached;
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  try {
    const [fs, path] = await Promise.all([
      import(/* @vite-ignore */ fsName) as Promise<Fs>,
      import(/* @vite-ignore */ pathName) as Promise<Path>,
    ]);
    cached = { fs, path };
    return cached;
  } catch (e) {
    throw new Error('file-system functions (checkpoints, fromPretrained paths, saved prompts) need Node', {
      cause: e,
    });
  }
}

/**
 * Write a file atomically: the data goes to a temp file in the same folder (created if missing),
 * is fsynced, then renamed over the target, so a reader (or a process killed mid-write) never
 * sees a partial file. The temp file is removed if anything fails.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const { fs, path } = await nodeIo();
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
