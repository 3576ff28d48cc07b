// Hostile names, servers and archives against downloadTask: nothing outside the cache is touched,
// a stalled or flaky server ends in a bounded time, and only verified content is cached.
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
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnknownTaskError, ZipFormatError, ZipLimitError } from '@selfevo/superglue-tasks';
import { FetchError } from '@selfevo/utils';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertInsideCache } from './cache-dir.js';
import { downloadTask } from './download-task.js';
import { CachePathError, DatasetOptionError, DownloadError, UnexpectedContentError } from './errors.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const copaZip = zipSync({
  COPA: {
    'val.jsonl': strToU8(
      '{"premise":"p","choice1":"a","choice2":"b","question":"cause","idx":0,"label":0}\n',
    ),
  },
});
const otherZip = zipSync({
  COPA: { 'val.jsonl': strToU8('{"tampered":true}\n'), 'extra.txt': strToU8('x') },
});
const html = strToU8(
  '<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Quota exceeded</body></html>\n',
);
const bomb = zipSync({ COPA: { 'val.jsonl': new Uint8Array(64 << 20) } }, { level: 6 });
// A zip whose entry states a wrong CRC-32 (central and local header).
const badCrc = (() => {
  const z = copaZip.slice();
  const v = new DataView(z.buffer);
  for (let at = 0; at + 4 < z.length; at++) {
    const sig = v.getUint32(at, true);
    if (sig === 0x04034b50 && v.getUint32(at + 18, true) > 0) v.setUint32(at + 14, 0xdeadbeef, true);
    if (sig === 0x02014b50 && v.getUint32(at + 20, true) > 0) v.setUint32(at + 16, 0xdeadbeef, true);
  }
  return z;
})();

const hits = new Map<string, number>();
const stalled = new Set<ServerResponse>();
let server: Server;
let base = '';
const root = mkdtempSync(join(tmpdir(), 'sg-dl-safety-'));
let n = 0;
let parent = '';
let cacheDir = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    const hit = (hits.get(url) ?? 0) + 1;
    hits.set(url, hit);
    const send = (body: Uint8Array, status = 200, type = 'application/zip') =>
      res.writeHead(status, { 'content-type': type, 'content-length': body.length }).end(body);
    if (url.startsWith('/any/')) return send(copaZip); // a mirror that answers every path
    if (url === '/stall/COPA.zip') return void stalled.add(res);
    if (url === '/flaky/COPA.zip')
      return hit === 1 ? send(strToU8('busy'), 503, 'text/plain') : send(copaZip);
    if (url === '/drop/COPA.zip') {
      res.writeHead(200, { 'content-length': copaZip.length });
      if (hit === 1) return void res.write(copaZip.subarray(0, 50), () => res.destroy());
      return void res.end(copaZip);
    }
    if (url === '/html/COPA.zip') return send(html, 200, 'text/html');
    if (url === '/bomb/COPA.zip') return send(bomb);
    if (url === '/crc/COPA.zip') return send(badCrc);
    if (url === '/good/COPA.zip') return send(copaZip);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  parent = join(root, `parent${n++}`);
  cacheDir = join(parent, 'cache');
  mkdirSync(parent, { recursive: true });
  writeFileSync(join(parent, 'precious.txt'), 'keep me');
  hits.clear();
});

const quick = { allowUnverified: true, retries: 2, backoff: { initialMs: 5, maxMs: 10 } } as const;
const cacheEntries = () =>
  existsSync(cacheDir) ? readdirSync(cacheDir, { recursive: true }).map(String).sort() : [];

describe('task names that would walk out of the cache', () => {
  it.each([['..'], ['../..'], ['.'], ['../precious'], ['CB/../..'], ['/tmp/x'], [''], ['MNLI'], ['CB\0']])(
    '%j: UnknownTaskError naming it, the parent folder untouched, no request sent',
    async (name) => {
      const err = await downloadTask(name as never, { ...quick, cacheDir, baseUrl: `${base}/any/` }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(UnknownTaskError);
      expect((err as UnknownTaskError).value).toBe(name);
      expect(readFileSync(join(parent, 'precious.txt'), 'utf8')).toBe('keep me');
      expect(readdirSync(parent)).toEqual(['precious.txt']);
      expect(hits.size).toBe(0);
    },
  );

  it('a case-insensitive alias downloads into the canonical folder', async () => {
    const r = await downloadTask('copa' as never, { ...quick, cacheDir, baseUrl: `${base}/any/` });
    expect(r.task).toBe('COPA');
    expect(r.files).toEqual(['val.jsonl']);
    expect(existsSync(join(cacheDir, 'COPA', 'val.jsonl'))).toBe(true);
    expect(hits.get('/any/COPA.zip')).toBe(1);
  });

  it('assertInsideCache refuses any path outside (or equal to) the cache folder', () => {
    const c = join(root, 'c');
    expect(assertInsideCache(c, join(c, 'CB'))).toBe(join(c, 'CB'));
    expect(assertInsideCache(c, join(c, 'zips', '..CB.zip.tmp'))).toBe(join(c, 'zips', '..CB.zip.tmp'));
    for (const bad of [c, join(c, '..'), join(c, '..', 'x'), '/', join(c, 'CB', '..', '..', 'y')]) {
      expect(() => assertInsideCache(c, bad)).toThrow(CachePathError);
    }
  });
});

describe('a stalled or flaky server', () => {
  it('a server that never answers ends in a DownloadError after the idle timeout and retries (seconds, not minutes)', async () => {
    const start = performance.now();
    const err = await downloadTask('COPA', {
      ...quick,
      cacheDir,
      baseUrl: `${base}/stall/`,
      idleTimeoutMs: 200,
      retries: 1,
    }).catch((e) => e);
    expect(performance.now() - start).toBeLessThan(5000);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).cause).toBeInstanceOf(FetchError);
    expect((err as Error).message).toMatch(/no data for 200 ms \(idle timeout\).*attempt 2 of 2/);
    expect(hits.get('/stall/COPA.zip')).toBe(2);
    expect(cacheEntries()).toEqual(['zips']);
  }, 20_000);

  it('503 then 200: retried and cached', async () => {
    const r = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/flaky/` });
    expect(r.files).toEqual(['val.jsonl']);
    expect(hits.get('/flaky/COPA.zip')).toBe(2);
  });

  it('a connection dropped mid-body: retried, the whole zip cached, no partial file left', async () => {
    const r = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/drop/` });
    expect(r.sha256).toBe(sha(copaZip));
    expect(hits.get('/drop/COPA.zip')).toBe(2);
    expect(cacheEntries()).toEqual([
      'COPA',
      'COPA/.extracted-from',
      'COPA/val.jsonl',
      'zips',
      'zips/COPA.zip',
      'zips/COPA.zip.sha256',
    ]);
  });

  it('refuses bad network options, naming them, before any request', async () => {
    for (const bad of [{ retries: -1 }, { retries: 1.5 }, { idleTimeoutMs: 0 }, { timeoutMs: -5 }]) {
      const err = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/good/`, ...bad }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(DatasetOptionError);
      expect((err as DatasetOptionError).parameter).toBe(Object.keys(bad)[0]);
    }
    expect(hits.size).toBe(0);
  });
});

describe('only verified content is cached', () => {
  it('an HTML error page with status 200 is refused and never cached as the zip', async () => {
    const err = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/html/` }).catch((e) => e);
    expect(err).toBeInstanceOf(UnexpectedContentError);
    expect((err as Error).message).toMatch(/COPA\.zip.*not a zip archive.*HTML/);
    expect(cacheEntries()).toEqual(['zips']);
    // a later call asks the server again (nothing wrong was kept)
    await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/html/` }).catch(() => {});
    expect(hits.get('/html/COPA.zip')).toBe(2);
  });

  it('a zip bomb is refused from its headers; nothing is extracted or cached', async () => {
    expect(bomb.length).toBeLessThan(200_000);
    const err = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/bomb/` }).catch((e) => e);
    expect(err).toBeInstanceOf(ZipLimitError);
    expect((err as ZipLimitError).limit).toBe('maxRatio');
    expect(cacheEntries()).toEqual(['zips']);
  });

  it('a zip entry with a wrong CRC-32 is refused, naming the entry; nothing cached', async () => {
    const err = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/crc/` }).catch((e) => e);
    expect(err).toBeInstanceOf(ZipFormatError);
    expect((err as ZipFormatError).entry).toBe('COPA/val.jsonl');
    expect(cacheEntries()).toEqual(['zips']);
  });

  it('an unverified cached zip that changed on disk is fetched again, not extracted', async () => {
    const first = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/good/` });
    writeFileSync(first.zipPath, otherZip);
    const again = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/good/` });
    expect(again.downloaded).toBe(true);
    expect(again.sha256).toBe(sha(copaZip));
    expect(again.files).toEqual(['val.jsonl']);
    expect(hits.get('/good/COPA.zip')).toBe(2);
  });

  it('partial temp folders and files left by a killed run are removed', async () => {
    const deadPid = 2 ** 22 + 12345; // above the default pid_max: no such process
    mkdirSync(join(cacheDir, 'zips'), { recursive: true });
    const stale = [
      `COPA.tmp-${deadPid}-lq3k2x-a1b2c3`,
      `COPA.old-${deadPid}-lq3k2x-a1b2c3`,
      `.COPA.tmp-${deadPid}-lq3k2x-a1b2c3.${deadPid}.0123456789ab.unzipped`,
      `zips/.COPA.zip.${deadPid}.0123456789ab.tmp`,
      `zips/.COPA.zip.sha256.${deadPid}.0123456789ab.tmp`,
    ];
    for (const s of stale) {
      if (s.startsWith('zips/')) writeFileSync(join(cacheDir, s), 'partial');
      else mkdirSync(join(cacheDir, s, 'inner'), { recursive: true });
    }
    const live = `CB.tmp-${process.pid}-lq3k2x-a1b2c3`; // another task, a live process: kept
    mkdirSync(join(cacheDir, live));
    await downloadTask('COPA', { ...quick, cacheDir, baseUrl: `${base}/good/` });
    for (const s of stale) expect(existsSync(join(cacheDir, s)), s).toBe(false);
    expect(existsSync(join(cacheDir, live))).toBe(true);
  });
});

describe('local sources', () => {
  it('a folder where the zip should be, or a missing zip file, is a typed error', async () => {
    const base = join(root, `local-${n}`);
    mkdirSync(join(base, 'COPA.zip'), { recursive: true });
    const err = await downloadTask('COPA', { ...quick, cacheDir, baseUrl: base }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(cacheEntries()).toEqual(['zips']);
    const { extractZip } = await import('./safe-unzip.js');
    expect(() => extractZip(join(base, 'none.zip'), join(base, 'out'))).toThrow(DatasetOptionError);
  });
});
