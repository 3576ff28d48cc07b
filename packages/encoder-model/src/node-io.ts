// Node file-system access, loaded lazily so that browser bundles of this package never pull in
// `node:fs` or `@selfevo/utils/node` (the specifiers are variables, so bundlers leave them alone).
type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');
type UtilsNode = typeof import('@selfevo/utils/node');
type Crypto = typeof import('node:crypto');

let cached: { fs: Fs; path: Path } | undefined;
let cachedUtils: UtilsNode | undefined;
let cachedCrypto: Crypto | undefined;

function needsNode(e: unknown): Error {
  return new Error('file-system functions (checkpoints, fromPretrained paths, saved prompts) need Node', {
    cause: e,
  });
}

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
    throw needsNode(e);
  }
}

/** `@selfevo/utils/node` (atomic writes, progress), loaded on first use. */
export async function utilsNode(): Promise<UtilsNode> {
  if (cachedUtils) return cachedUtils;
  const name = '@selfevo/utils/node';
  try {
    cachedUtils = (await import(/* @vite-ignore */ name)) as UtilsNode;
    return cachedUtils;
  } catch (e) {
    throw needsNode(e);
  }
}

/** `node:crypto` (sha256 of downloads), loaded on first use. */
export async function nodeCrypto(): Promise<Crypto> {
  if (cachedCrypto) return cachedCrypto;
  const name = 'node:crypto';
  try {
    cachedCrypto = (await import(/* @vite-ignore */ name)) as Crypto;
    return cachedCrypto;
  } catch (e) {
    throw needsNode(e);
  }
}

/**
 * Write a file atomically (`@selfevo/utils/node`): the data goes to a temp file in the same folder
 * (created if missing), is fsynced, renamed over the target, and the folder fsynced, so a reader
 * (or a process killed mid-write) never sees a partial file. The temp file is removed on failure
 * (including the data iterable throwing: a download that fails verification leaves nothing).
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string | AsyncIterable<Uint8Array | string>,
): Promise<void> {
  return (await utilsNode()).writeFileAtomic(file, data);
}

/**
 * Write a folder atomically (`@selfevo/utils/node`): `build(tmpDir)` fills a sibling temp folder,
 * whose files are fsynced before it replaces `dir`. See `resolveAtomicDir` for reading after a crash.
 */
export async function writeDirAtomic<T>(dir: string, build: (tmpDir: string) => Promise<T> | T): Promise<T> {
  return (await utilsNode()).writeDirAtomic(dir, build);
}

/** `dir` when complete (holds `marker`), else the newest `dir.old-*` a killed `writeDirAtomic` left. */
export async function resolveAtomicDir(dir: string, marker?: string): Promise<string | undefined> {
  return (await utilsNode()).resolveAtomicDir(dir, marker);
}
