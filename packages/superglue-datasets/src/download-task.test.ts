import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadTask } from './download-task.js';
import { ChecksumMismatchError, DownloadError, UnknownChecksumError, UnsafeZipEntryError } from './errors.js';
import { loadSplit } from './load-split.js';
import { OFFICIAL_ZIP_SHA256 } from './official-archives.js';
import { ensureTask } from './superglue-source.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const read = (rel: string) => new Uint8Array(readFileSync(join(SUPERGLUE_DATA, rel)));

// Zips in the official layout (top folder named like the task), built with fflate from the real files.
const cbZip = zipSync({
  CB: {
    'train.jsonl': read('CB/train.jsonl'),
    'val.jsonl': read('CB/val.jsonl'),
    'test.jsonl': read('CB/test.jsonl'),
  },
});
const copaFlatZip = zipSync({ 'train.jsonl': read('COPA/train.jsonl'), 'val.jsonl': read('COPA/val.jsonl') });
const evilZip = zipSync({ 'RTE/train.jsonl': strToU8('{}\n'), '../evil.txt': strToU8('escaped') });
const fakeBoolQ = zipSync({ BoolQ: { 'val.jsonl': read('BoolQ/val.jsonl') } });
const served = new Map<string, Uint8Array>([
  ['/zips/CB.zip', cbZip],
  ['/zips/COPA.zip', copaFlatZip],
  ['/zips/RTE.zip', evilZip],
  ['/zips/BoolQ.zip', fakeBoolQ],
]);
const hits = new Map<string, number>();
let server: Server;
let base = '';
const root = mkdtempSync(join(tmpdir(), 'sg-download-'));
let cacheDir = '';
let n = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url === '/zips/WSC.zip') {
      // a transfer cut off halfway
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': cbZip.length });
      res.write(cbZip.subarray(0, 1000), () => res.destroy());
      return;
    }
    const body = served.get(url);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zips/`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = join(root, `cache${n++}`);
  hits.clear();
});

const cacheEntries = () =>
  existsSync(cacheDir) ? readdirSync(cacheDir, { recursive: true }).map(String).sort() : [];

describe('downloadTask from a 127.0.0.1 server', () => {
  it('downloads with progress, checks the pinned sha256, extracts, and the readers load it', async () => {
    const progress: [number, number | undefined][] = [];
    const result = await downloadTask('CB', {
      baseUrl: base,
      cacheDir,
      sha256: sha(cbZip),
      progress: (got, total) => progress.push([got, total]),
    });
    expect(result).toMatchObject({
      task: 'CB',
      dir: cacheDir,
      sha256: sha(cbZip),
      verified: true,
      downloaded: true,
    });
    expect(result.files).toEqual(['test.jsonl', 'train.jsonl', 'val.jsonl']);
    expect(progress.at(-1)).toEqual([cbZip.length, cbZip.length]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
    expect((await loadSplit('CB', 'train', { dir: result.dir })).records).toHaveLength(250);
    expect((await loadSplit('CB', 'val', { dir: result.dir })).records).toHaveLength(56);
    expect(readFileSync(join(cacheDir, 'CB', 'val.jsonl'))).toEqual(Buffer.from(read('CB/val.jsonl')));

    const again = await downloadTask('CB', { baseUrl: base, cacheDir, sha256: sha(cbZip) });
    expect(again.downloaded).toBe(false);
    expect(hits.get('/zips/CB.zip')).toBe(1);
  });

  it('refuses a sha256 mismatch and leaves no partial file in the cache', async () => {
    const wrong = '0'.repeat(64);
    await expect(downloadTask('CB', { baseUrl: base, cacheDir, sha256: wrong })).rejects.toBeInstanceOf(
      ChecksumMismatchError,
    );
    expect(cacheEntries()).toEqual(['zips']);
  });

  it('checks BoolQ against the known official hash (a different zip is refused)', async () => {
    expect(OFFICIAL_ZIP_SHA256.BoolQ).toBe(
      '853fbe7922f70c59629f06a39e8d9ca440c3d740e760fd3b87a5ddf3dcba2436',
    );
    const err = await downloadTask('BoolQ', { baseUrl: base, cacheDir }).catch((e) => e);
    expect(err).toBeInstanceOf(ChecksumMismatchError);
    expect((err as ChecksumMismatchError).actual).toBe(sha(fakeBoolQ));
    expect(cacheEntries()).toEqual(['zips']);
  });

  it('refuses an archive with no known hash unless pinned or explicitly unverified', async () => {
    await expect(downloadTask('COPA', { baseUrl: base, cacheDir })).rejects.toBeInstanceOf(
      UnknownChecksumError,
    );
    expect(hits.size).toBe(0);
    const result = await downloadTask('COPA', { baseUrl: base, cacheDir, allowUnverified: true });
    expect(result.verified).toBe(false);
    // a flat zip (no top folder) is accepted too
    expect(result.files).toEqual(['train.jsonl', 'val.jsonl']);
    expect(readFileSync(join(cacheDir, 'zips', 'COPA.zip.sha256'), 'utf8')).toBe(
      `${sha(copaFlatZip)}  COPA.zip\n`,
    );
    expect((await loadSplit('COPA', 'val', { dir: cacheDir })).records).toHaveLength(100);
  });

  it('refuses a zip with a ../ entry and writes nothing', async () => {
    const err = await downloadTask('RTE', { baseUrl: base, cacheDir, sha256: sha(evilZip) }).catch((e) => e);
    expect(err).toBeInstanceOf(UnsafeZipEntryError);
    expect((err as UnsafeZipEntryError).entry).toBe('../evil.txt');
    expect(existsSync(join(root, 'evil.txt'))).toBe(false);
    expect(existsSync(join(cacheDir, 'evil.txt'))).toBe(false);
    expect(existsSync(join(cacheDir, 'RTE'))).toBe(false);
    expect(cacheEntries()).toEqual(['zips', 'zips/RTE.zip']);
  });

  it('reports an HTTP error and leaves no partial file', async () => {
    const err = await downloadTask('WiC', { baseUrl: base, cacheDir, allowUnverified: true }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toMatch(/HTTP 404/);
    expect(cacheEntries()).toEqual(['zips']);
  });

  it('a transfer cut off halfway is an error and leaves no partial file', async () => {
    const err = await downloadTask('WSC', { baseUrl: base, cacheDir, allowUnverified: true }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(cacheEntries()).toEqual(['zips']);
  });

  it('progress: true drives a cli-progress bar (silent when stderr is not a TTY)', async () => {
    const result = await downloadTask('CB', { baseUrl: base, cacheDir, sha256: sha(cbZip), progress: true });
    expect(result.files).toHaveLength(3);
  });

  it('accepts a local folder or file:// URL as the base', async () => {
    const folder = join(root, `local${n}`);
    mkdirSync(folder);
    writeFileSync(join(folder, 'CB.zip'), cbZip);
    const a = await downloadTask('CB', { baseUrl: folder, cacheDir, sha256: sha(cbZip) });
    expect(a.files).toHaveLength(3);
    const b = await downloadTask('CB', {
      baseUrl: pathToFileURL(folder).href,
      cacheDir: `${cacheDir}b`,
      sha256: sha(cbZip),
    });
    expect(b.sha256).toBe(sha(cbZip));
  });

  it('ensureTask prefers the local folder, else downloads', async () => {
    expect(await ensureTask('CB', { dir: SUPERGLUE_DATA })).toBe(SUPERGLUE_DATA);
    await expect(ensureTask('ReCoRD', { dir: SUPERGLUE_DATA })).rejects.toThrow(/ReCoRD is not in/);
    const dir = await ensureTask('CB', {
      dir: join(root, 'nowhere'),
      download: { baseUrl: base, cacheDir, sha256: sha(cbZip) },
    });
    expect(dir).toBe(cacheDir);
  });
});
