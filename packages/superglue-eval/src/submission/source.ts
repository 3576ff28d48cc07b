import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { DataFormatError } from '../errors.js';

/** The files of a submission folder or zip: top-level file name → UTF-8 text. */
export interface SubmissionSource {
  path: string;
  kind: 'folder' | 'zip';
  files: Map<string, string>;
  /** Entries that are not top-level files (sub-folders, nested paths), reported as extras. */
  nested: string[];
}

/** Reads a submission from a folder (top level only) or a `.zip` archive (fflate). */
export async function readSubmissionSource(path: string): Promise<SubmissionSource> {
  if (!existsSync(path)) throw new DataFormatError(path, undefined, undefined, 'no such file or folder');
  const files = new Map<string, string>();
  const nested: string[] = [];
  const decoder = new TextDecoder('utf-8');
  if (statSync(path).isDirectory()) {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.isFile()) files.set(entry.name, await readFile(join(path, entry.name), 'utf8'));
      else nested.push(`${entry.name}${entry.isDirectory() ? '/' : ''}`);
    }
    return { path, kind: 'folder', files, nested };
  }
  const bytes = await readFile(path);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new DataFormatError(
      path,
      undefined,
      undefined,
      `not a readable zip archive (${(err as Error).message})`,
    );
  }
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    if (name.includes('/')) nested.push(name);
    else files.set(name, decoder.decode(data));
  }
  return { path, kind: 'zip', files, nested };
}
