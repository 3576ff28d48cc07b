import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetOptionError, SuperGlueFormatError } from './errors.js';
import { loadSplit } from './load-split.js';
import { loadSplitFrom, streamSplitFrom } from './task-records.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';

const cbVal = join(SUPERGLUE_DATA, 'CB', 'val.jsonl');
const bytes = new Uint8Array(readFileSync(cbVal));
const text = new TextDecoder().decode(bytes);

// A real HTTP server on 127.0.0.1 for the URL source (closed after the tests).
const server = createServer((req, res) => {
  if (req.url === '/CB/val.jsonl') res.end(bytes);
  else res.writeHead(404).end();
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('loadSplitFrom: the same records from text, bytes, a File, a Response or a URL as from disk', () => {
  it('CB val: 56 records equal to loadSplit, whatever the source', async () => {
    const disk = await loadSplit('CB', 'val', { dir: SUPERGLUE_DATA });
    expect(disk.records).toHaveLength(56);
    const sources = [
      { text },
      bytes,
      new File([bytes.slice(0, 1000), bytes.slice(1000)], 'val.jsonl'),
      new Response(new Blob([bytes])),
      new URL(`${base}/CB/val.jsonl`),
    ];
    for (const source of sources) {
      const got = await loadSplitFrom('CB', 'val', source);
      expect(got.records).toEqual(disk.records);
      expect(got.report).toMatchObject({ records: 56, lines: 56, complete: true, skipped: [] });
    }
    expect((await loadSplitFrom('CB', 'val', new File([bytes], 'up.jsonl'))).file).toBe('up.jsonl');
    expect((await loadSplitFrom('CB', 'val', bytes, { name: 'CB/val' })).file).toBe('CB/val');
  });

  it('checks like the file reader: format errors name the source and line; lenient lists skips', async () => {
    const bad = `${text.split('\n')[0]}\n{"premise":"p","hypothesis":"h","label":"maybe","idx":1}\n`;
    await expect(loadSplitFrom('CB', 'val', { text: bad }, { name: 'upload.jsonl' })).rejects.toThrow(
      SuperGlueFormatError,
    );
    await expect(loadSplitFrom('CB', 'val', { text: bad }, { name: 'upload.jsonl' })).rejects.toThrow(
      /upload\.jsonl:2 field "label"/,
    );
    const lenient = await loadSplitFrom('CB', 'val', { text: bad }, { lenient: true });
    expect(lenient.records).toHaveLength(1);
    expect(lenient.report.skipped.map((s) => s.line)).toEqual([2]);
    // test split: no labels required
    const unlabelled = await loadSplitFrom('CB', 'test', {
      text: '{"premise":"p","hypothesis":"h","idx":0}',
    });
    expect(unlabelled.records).toEqual([{ premise: 'p', hypothesis: 'h', idx: 0 }]);
  });

  it('refuses an unknown source, a missing URL and bad options before reading', async () => {
    await expect(loadSplitFrom('CB', 'val', '/path/as/string' as never)).rejects.toThrow(DatasetOptionError);
    await expect(loadSplitFrom('CB', 'val', new URL(`${base}/nope.jsonl`))).rejects.toThrow(/404/);
    expect(() => streamSplitFrom('CB', 'val', { text }, { maxLineBytes: 0 })).toThrow(DatasetOptionError);
    expect(() => streamSplitFrom('MNLI' as never, 'val', { text })).toThrow(/MNLI/);
  });
});
