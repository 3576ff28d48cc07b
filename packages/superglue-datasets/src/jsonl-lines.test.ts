import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLines } from './jsonl-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lines(content: string) {
  const path = join(dir, `${Math.random()}.jsonl`);
  writeFileSync(path, content);
  const out = [];
  for await (const l of readLines(path)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('reads a last line without a final newline', async () => {
    expect(await lines('{"a":1}\n{"a":2}')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"a":2}' },
    ]);
  });

  it('a final newline adds no empty line; CRLF and a BOM are handled', async () => {
    expect(await lines('\uFEFF{"a":1}\r\n{"a":2}\r\n')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"a":2}' },
    ]);
  });

  it('keeps blank lines in the middle (the reader reports them) and counts lines', async () => {
    expect((await lines('x\n\ny\n')).map((l) => l.line)).toEqual([1, 2, 3]);
  });

  it('streams lines longer than the read buffer', async () => {
    const long = 'z'.repeat(3 << 20);
    const got = await lines(`${long}\nshort`);
    expect(got[0]!.text.length).toBe(3 << 20);
    expect(got[1]!.text).toBe('short');
  });
});
