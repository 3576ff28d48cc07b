import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { parseJsonl, parseJsonlLenient } from './jsonl.js';

describe('parseJsonl', () => {
  it('reads lines with or without a final newline, skipping blank lines, keeping line numbers', () => {
    expect(parseJsonl('{"a":1}\n\n{"a":2}', 'f.jsonl')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
    ]);
    expect(parseJsonl('{"a":1}\r\n', 'f.jsonl')).toEqual([{ line: 1, value: { a: 1 } }]);
  });

  it('names file and line of malformed JSON', () => {
    expect(() => parseJsonl('{"a":1}\n{"a":\n', 'x/CB/val.jsonl')).toThrow(DataFormatError);
    expect(() => parseJsonl('{"a":1}\n{"a":\n', 'x/CB/val.jsonl')).toThrow(
      /^x\/CB\/val\.jsonl:2: not valid JSON/,
    );
  });

  it('collects errors in lenient mode', () => {
    const r = parseJsonlLenient('{"a":1}\nnope\n{"b":2}');
    expect(r.records.map((x) => x.line)).toEqual([1, 3]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].line).toBe(2);
  });
});
