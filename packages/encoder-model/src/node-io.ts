// Node file-system access, loaded lazily so that browser bundles of this package never pull in
// `node:fs` or `@selfevo/utils/node` (the specifiers are variables, so bundlers leave them alone).
// The types are the parts of the Node modules used here, declared structurally so that the shipped
// `.d.ts` need no `@types/node`; the loaders check the real modules against them at build time.
type UtilsNode = typeof import('@selfevo/utils/node');

/** The `node:fs/promises` functions used here and by the packages built on this one. */
export interface NodeFs {
  readFile(file: string): Promise<Uint8Array>;
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  writeFile(file: string, data: Uint8Array | string): Promise<void>;
  stat(file: string): Promise<{ size: number; isFile(): boolean; isDirectory(): boolean }>;
  mkdir(dir: string, options: { recursive: true }): Promise<string | undefined>;
  readdir(dir: string): Promise<string[]>;
  rm(file: string, options: { force?: boolean; recursive?: boolean }): Promise<void>;
}

/** The `node:path` functions used here and by the packages built on this one. */
export interface NodePath {
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
  relative(from: string, to: string): string;
  dirname(path: string): string;
  readonly sep: string;
}

/** A running SHA-256 (`node:crypto`'s `Hash`, the part used here). */
interface Sha256 {
  update(data: Uint8Array | string): Sha256;
  digest(encoding: 'hex'): string;
}
interface NodeCrypto {
  createHash(algorithm: 'sha256'): Sha256;
}

let cached: { fs: NodeFs; path: NodePath } | undefined;
let cachedUtils: UtilsNode | undefined;
let cachedCrypto: NodeCrypto | undefined;

function needsNode(e: unknown): Error {
  return new Error('file-system functions (checkpoints, fromPretrained paths, saved prompts) need Node', {
    cause: e,
  });
}

/** `node:fs/promises` and `node:path`, loaded on first use (an error naming Node elsewhere). */
export async function nodeIo(): Promise<{ fs: NodeFs; path: NodePath }> {
  if (cached) return cached;
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  try {
    const [fs, path]: [NodeFs, NodePath] = await Promise.all([
      import(/* @vite-ignore */ fsName) as Promise<typeof import('node:fs/promises')>,
      import(/* @vite-ignore */ pathName) as Promise<typeof import('node:path')>,
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
export async function nodeCrypto(): Promise<NodeCrypto> {
  if (cachedCrypto) return cachedCrypto;
  const name = 'node:crypto';
  try {
    const crypto: NodeCrypto = (await import(/* @vite-ignore */ name)) as typeof import('node:crypto');
    cachedCrypto = crypto;
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
