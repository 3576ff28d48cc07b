import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFormatError, ZipLimitError } from '@selfevo/superglue-tasks';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetOptionError, UnsafeZipEntryError } from './errors.js';
import { extractZip, safeEntryPath } from './safe-unzip.js';

const root = mkdtempSync(join(tmpdir(), 'sg-unzip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('safeEntryPath', () => {
  const target = join(root, 'out');
  it.each([
    ['../evil.txt', /escapes/],
    ['a/../../evil.txt', /escapes/],
    ['..\\evil.txt', /escapes/],
    ['/etc/passwd', /absolute/],
    ['C:/windows/x', /drive letter/],
    ['a\0b', /NUL/],
  ])('refuses %j', (name, why) => {
    expect(() => safeEntryPath('z.zip', target, name)).toThrow(UnsafeZipEntryError);
    expect(() => safeEntryPath('z.zip', target, name)).toThrow(why);
  });
  it('keeps ordinary names', () => {
    expect(safeEntryPath('z.zip', target, 'CB/train.jsonl')).toBe('CB/train.jsonl');
    expect(safeEntryPath('z.zip', target, './CB//val.jsonl')).toBe('CB/val.jsonl');
    expect(safeEntryPath('z.zip', target, 'a..b/c')).toBe('a..b/c');
  });
});

describe('extractZip', () => {
  it('extracts nested files', () => {
    const out = join(root, 'ok');
    const r = extractZip(
      zipSync({ CB: { 'train.jsonl': strToU8('x\n'), sub: { 'a.txt': strToU8('yy') } } }),
      out,
    );
    expect(r.files.sort()).toEqual(['CB/sub/a.txt', 'CB/train.jsonl']);
    expect(r.bytes).toBe(4);
    expect(readFileSync(join(out, 'CB', 'sub', 'a.txt'), 'utf8')).toBe('yy');
  });

  it('refuses the whole archive when any entry escapes, even after safe ones', () => {
    const out = join(root, 'bad');
    const zip = zipSync({ 'good.txt': strToU8('ok'), 'x/../../../escaped.txt': strToU8('bad') });
    expect(() => extractZip(zip, out)).toThrow(UnsafeZipEntryError);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('escaped') || f.includes('extract'))).toEqual([]);
  });

  it('refuses archives that expand beyond the size limit', () => {
    const zip = zipSync({ 'big.txt': new Uint8Array(10_000) });
    expect(() => extractZip(zip, join(root, 'big'), { maxTotalBytes: 1000 })).toThrow(/expands beyond/);
  });
});

/** A copy of `zip` whose entry `name` states another CRC-32 / size in both of its headers. */
function patched(zip: Uint8Array, name: string, field: 'crc' | 'size', value: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const want = strToU8(name);
  for (let at = 0; at + 46 < out.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const n = view.getUint16(at + 28, true);
    if (n !== want.length || !out.subarray(at + 46, at + 46 + n).every((b, i) => b === want[i])) continue;
    const local = view.getUint32(at + 42, true);
    if (field === 'crc') {
      view.setUint32(at + 16, value, true);
      view.setUint32(local + 14, value, true);
    } else {
      view.setUint32(at + 24, value, true);
      view.setUint32(local + 22, value, true);
    }
  }
  return out;
}

describe('extractZip on hostile archives', () => {
  const good = zipSync({
    CB: { 'train.jsonl': strToU8('{"idx":0}\n'.repeat(200)), 'val.jsonl': strToU8('{}\n') },
  });
  const leftovers = () => readdirSync(root).filter((f) => f.includes('extract'));

  it.each([
    ['a wrong CRC-32', patched(good, 'CB/train.jsonl', 'crc', 0x1234), /CRC-32 mismatch/],
    [
      'a stated size too small',
      patched(good, 'CB/train.jsonl', 'size', 10),
      /expands beyond its stated size of 10 bytes/,
    ],
    [
      'a stated size too large',
      patched(good, 'CB/train.jsonl', 'size', 5000),
      /states 5000 bytes but expands to 2000/,
    ],
  ])('%s: ZipFormatError naming the entry, nothing written', (_, zip, message) => {
    const out = join(root, `hostile-${Math.random()}`);
    let err: unknown;
    try {
      extractZip(zip, out);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZipFormatError);
    expect((err as ZipFormatError).entry).toBe('CB/train.jsonl');
    expect((err as Error).message).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('a zip bomb (64 MiB of zeros in ~64 KB) is refused from its headers, before inflating', () => {
    const bomb = zipSync({ 'zeros.jsonl': new Uint8Array(64 << 20) }, { level: 6 });
    const out = join(root, 'bomb');
    const before = process.memoryUsage().arrayBuffers;
    expect(() => extractZip(bomb, out)).toThrow(ZipLimitError);
    expect(() => extractZip(bomb, out)).toThrow(/over maxRatio \(200\)/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 << 20);
    expect(existsSync(out)).toBe(false);
    // …and with a ratio limit raised, the per-entry size limit still holds
    expect(() => extractZip(bomb, out, { maxRatio: 10_000, maxEntryBytes: 1 << 20 })).toThrow(
      /over maxEntryBytes/,
    );
  });

  it('limits the entry count and validates its options, naming them', () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 11; i++) many[`f${i}.txt`] = strToU8('x');
    expect(() => extractZip(zipSync(many), join(root, 'many'), { maxEntries: 10 })).toThrow(
      /11 entries, over maxEntries \(10\)/,
    );
    for (const [option, value] of [
      ['maxEntries', -1],
      ['maxTotalBytes', 1.5],
      ['maxRatio', 0],
      ['maxArchiveBytes', 'big'],
    ] as const) {
      let err: unknown;
      try {
        extractZip(good, join(root, 'opt'), { [option]: value } as never);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DatasetOptionError);
      expect((err as DatasetOptionError).parameter).toBe(option);
    }
  });

  it('two entries for one path, or a file that is also a folder, are refused before writing', () => {
    const twice = zipSync({ 'a/b.txt': strToU8('1'), 'a//b.txt': strToU8('2') });
    expect(() => extractZip(twice, join(root, 'twice'))).toThrow(/a second entry for a\/b.txt/);
    const clash = zipSync({ a: strToU8('file'), 'a/b.txt': strToU8('2') });
    expect(() => extractZip(clash, join(root, 'clash'))).toThrow(UnsafeZipEntryError);
    expect(existsSync(join(root, 'twice'))).toBe(false);
  });

  it('extraction is linear in the entry count (10,000 entries: one directory read, no rescans)', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 10_000; i++) files[`d${i % 10}/f${i}.txt`] = strToU8(String(i));
    const zip = zipSync(files, { level: 0 });
    const start = performance.now();
    const r = extractZip(zip, join(root, 'linear'), { maxEntries: 20_000 });
    expect(r.files).toHaveLength(10_000);
    expect(performance.now() - start).toBeLessThan(10_000);
  }, 60_000);
});
