import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { SuperGlueTasksError, ZipFormatError, ZipLimitError } from './errors.js';
import { readZipDirectory, readZipEntry, streamZipEntry, type ZipLimits } from './zip-archive.js';

const LOOSE: ZipLimits = {
  maxArchiveBytes: 1 << 30,
  maxEntries: 100_000,
  maxEntryBytes: 1 << 30,
  maxTotalBytes: 2 ** 31,
  maxRatio: 200,
};

function readAll(zip: Uint8Array, limits: ZipLimits = LOOSE): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readZipDirectory(zip, limits, 'z.zip')) {
    if (!e.directory) out[e.name] = new TextDecoder().decode(readZipEntry(zip, e, 'z.zip'));
  }
  return out;
}

/** Offsets of the central and local headers of entry `name` (fflate writes them in order). */
function headersOf(zip: Uint8Array, name: string): { central: number; local: number } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const encoded = strToU8(name);
  for (let at = 0; at + 46 < zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const n = view.getUint16(at + 28, true);
    const got = zip.subarray(at + 46, at + 46 + n);
    if (n === encoded.length && got.every((b, i) => b === encoded[i])) {
      return { central: at, local: view.getUint32(at + 42, true) };
    }
  }
  throw new Error(`no entry ${name}`);
}

/** A copy of `zip` with entry `name`'s stated CRC / sizes rewritten in both headers. */
function patch(zip: Uint8Array, name: string, fields: { crc?: number; size?: number; csize?: number }) {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const { central, local } = headersOf(out, name);
  if (fields.crc !== undefined) {
    view.setUint32(central + 16, fields.crc, true);
    view.setUint32(local + 14, fields.crc, true);
  }
  if (fields.csize !== undefined) {
    view.setUint32(central + 20, fields.csize, true);
    view.setUint32(local + 18, fields.csize, true);
  }
  if (fields.size !== undefined) {
    view.setUint32(central + 24, fields.size, true);
    view.setUint32(local + 22, fields.size, true);
  }
  return out;
}

// 16 MiB of zeros: a deflate stream of ~16 KB (ratio ~1000).
const BOMB = zipSync({ 'zeros.bin': new Uint8Array(16 << 20) }, { level: 6 });

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

describe('crc32', () => {
  it('matches the standard check value and continues over chunks', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const all = strToU8('hello, zip world');
    expect(crc32(all.subarray(7), crc32(all.subarray(0, 7)))).toBe(crc32(all));
  });
});

describe('readZipDirectory / readZipEntry', () => {
  it('reads stored and deflated entries, folders, an empty file and UTF-8 names', () => {
    const zip = zipSync({
      CB: { 'train.jsonl': strToU8('{"a":1}\n'.repeat(500)), 'empty.txt': new Uint8Array(0) },
      'stored.txt': [strToU8('plain'), { level: 0 }],
      'é.txt': strToU8('accent'),
    });
    expect(readAll(zip)).toEqual({
      'CB/train.jsonl': '{"a":1}\n'.repeat(500),
      'CB/empty.txt': '',
      'stored.txt': 'plain',
      'é.txt': 'accent',
    });
    const streamed: number[] = [];
    let x = 1;
    const noise = Uint8Array.from({ length: 200_000 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
    const big = zipSync({ 'big.txt': noise });
    const [entry] = readZipDirectory(big, LOOSE, 'big.zip');
    streamZipEntry(big, entry!, 'big.zip', (c) => streamed.push(c.length));
    expect(streamed.reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(streamed.length).toBeGreaterThan(1);
  });

  it('refuses what is not a zip, typed and naming the archive', () => {
    for (const bytes of [
      new Uint8Array(0),
      strToU8('<!doctype html><html>Not found</html>'),
      new Uint8Array(100),
    ]) {
      const err = caught(() => readZipDirectory(bytes, LOOSE, 'page.zip'));
      expect(err).toBeInstanceOf(ZipFormatError);
      expect(err.message).toMatch(/^page\.zip: not a zip archive/);
    }
    const zip = zipSync({ 'a.txt': strToU8('x'.repeat(1000)) });
    expect(() => readZipDirectory(zip.subarray(0, zip.length - 30), LOOSE, 'cut.zip')).toThrow(
      ZipFormatError,
    );
    expect(() => readZipDirectory(zip.subarray(40), LOOSE, 'shifted.zip')).toThrow(ZipFormatError);
  });

  it('enforces each limit before inflating, naming the limit and the entry', () => {
    const zip = zipSync({ 'a.txt': new Uint8Array(5000), 'b.txt': new Uint8Array(5000) });
    const cases: [Partial<ZipLimits>, string, RegExp][] = [
      [{ maxArchiveBytes: 100 }, 'maxArchiveBytes', /over maxArchiveBytes \(100\)/],
      [{ maxEntries: 1 }, 'maxEntries', /has 2 entries, over maxEntries \(1\)/],
      [{ maxEntryBytes: 4999 }, 'maxEntryBytes', /entry "a.txt": expands to 5000 bytes/],
      [{ maxTotalBytes: 9999 }, 'maxTotalBytes', /entry "b.txt": archive expands beyond 9999 bytes/],
    ];
    for (const [limits, name, message] of cases) {
      const err = caught(() => readZipDirectory(zip, { ...LOOSE, ...limits }, 'z.zip'));
      expect(err).toBeInstanceOf(ZipLimitError);
      expect(err).toBeInstanceOf(SuperGlueTasksError);
      expect((err as ZipLimitError).limit).toBe(name);
      expect(err.message).toMatch(message);
    }
  });

  it('a small zip that expands to gigabytes is refused from its headers (ratio, size), nothing allocated', () => {
    const bomb = BOMB;
    expect(bomb.length).toBeLessThan(100_000);
    const ratio = caught(() => readZipDirectory(bomb, LOOSE, 'bomb.zip')) as ZipLimitError;
    expect(ratio).toBeInstanceOf(ZipLimitError);
    expect(ratio.limit).toBe('maxRatio');
    expect(ratio.entry).toBe('zeros.bin');
    // The same bytes claiming 4 GB - 2: refused by maxEntryBytes before any allocation.
    const claimed = patch(bomb, 'zeros.bin', { size: 0xfffffffe });
    const before = process.memoryUsage().arrayBuffers;
    const huge = caught(() => readZipDirectory(claimed, LOOSE, 'bomb.zip')) as ZipLimitError;
    expect(huge.limit).toBe('maxEntryBytes');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
  });

  it('an entry that expands past its stated size stops there (a lying header cannot grow the output)', () => {
    const lying = patch(BOMB, 'zeros.bin', { size: 1000 });
    const [entry] = readZipDirectory(lying, LOOSE, 'lie.zip');
    let seen = 0;
    const err = caught(() =>
      streamZipEntry(lying, entry!, 'lie.zip', (c) => {
        seen += c.length;
      }),
    );
    expect(err).toBeInstanceOf(ZipFormatError);
    expect(err.message).toBe('lie.zip entry "zeros.bin": expands beyond its stated size of 1000 bytes');
    expect(seen).toBeLessThanOrEqual(1000);
    expect(() => readZipEntry(lying, entry!, 'lie.zip')).toThrow(/expands beyond its stated size/);
  });

  it('refuses an entry whose stated size or CRC-32 is wrong, naming it', () => {
    const zip = zipSync({
      'ok.txt': strToU8('fine'),
      'x.jsonl': strToU8('{"idx":0,"label":"true"}\n'.repeat(50)),
    });
    const short = patch(zip, 'x.jsonl', { size: 2000 });
    expect(() => readAll(short)).toThrow('z.zip entry "x.jsonl": states 2000 bytes but expands to 1250');
    const badCrc = patch(zip, 'x.jsonl', { crc: 0x12345678 });
    const err = caught(() => readAll(badCrc)) as ZipFormatError;
    expect(err).toBeInstanceOf(ZipFormatError);
    expect(err.entry).toBe('x.jsonl');
    expect(err.message).toMatch(/CRC-32 mismatch: stated 12345678/);
    const stored = zipSync({ 's.txt': [strToU8('stored data'), { level: 0 }] });
    expect(() => readAll(patch(stored, 's.txt', { crc: 1 }))).toThrow(/CRC-32 mismatch/);
    expect(() => readAll(patch(stored, 's.txt', { size: 5 }))).toThrow(
      /stored entry states 5 bytes but holds 11/,
    );
  });

  it('refuses corrupt deflate data, overlapping entries and duplicate names', () => {
    const zip = zipSync({ 'a.txt': strToU8('abcdefgh'.repeat(100)) });
    const corrupt = zip.slice();
    const { local } = headersOf(corrupt, 'a.txt');
    corrupt.fill(0xff, local + 30 + 5, local + 30 + 15);
    expect(() => readAll(corrupt)).toThrow(ZipFormatError);
    // Two central entries pointing at the same local data (the "overlapping files" bomb).
    const two = zipSync({ 'a.txt': strToU8('one'), 'b.txt': strToU8('two') });
    const overlapping = two.slice();
    const view = new DataView(overlapping.buffer);
    view.setUint32(headersOf(overlapping, 'b.txt').central + 42, 0, true);
    expect(() => readZipDirectory(overlapping, LOOSE, 'o.zip')).toThrow(/overlaps another entry/);
    const dup = two.slice();
    dup[headersOf(dup, 'b.txt').central + 46] = 'a'.charCodeAt(0);
    expect(() => readZipDirectory(dup, LOOSE, 'd.zip')).toThrow('d.zip entry "a.txt": duplicate entry name');
  });

  it('reads the directory in time linear in the entry count (20,000 entries, no per-entry rescan)', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20_000; i++) files[`f${i}.txt`] = strToU8(String(i));
    const zip = zipSync(files, { level: 0 });
    const start = performance.now();
    const entries = readZipDirectory(zip, LOOSE, 'many.zip');
    for (const e of entries) readZipEntry(zip, e, 'many.zip');
    expect(entries).toHaveLength(20_000);
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
