import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsafeZipEntryError } from './errors.js';
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
