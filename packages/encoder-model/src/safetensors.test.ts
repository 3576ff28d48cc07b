import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from './errors.js';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from './safetensors.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'fixtures');

function build(header: unknown, data: Uint8Array, lenOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, lenOverride ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

describe('safetensors', () => {
  it('round-trips bit-identically, with metadata', () => {
    const a = { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, Number.NaN, 1e-30, -0]) };
    const b = { shape: [1], data: Float32Array.from([7]) };
    const bytes = writeSafetensors({ 'x.weight': a, 'x.bias': b }, { format: 'pt' });
    expect((new DataView(bytes.buffer).getUint32(0, true) + 8) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.get('x.weight')?.shape).toEqual([2, 3]);
    expect(new Uint8Array(back.get('x.weight')!.data.buffer)).toEqual(new Uint8Array(a.data.buffer));
    expect(readSafetensorsMetadata(bytes)).toEqual({ format: 'pt' });
    expect(writeSafetensors(back)).toEqual(writeSafetensors({ 'x.weight': a, 'x.bias': b }));
  });

  it('reads the HF fixture', () => {
    const m = readSafetensors(readFileSync(join(fixtures, 'tiny-bert', 'model.safetensors')));
    expect(m.get('bert.embeddings.word_embeddings.weight')?.shape).toEqual([189, 32]);
  });

  it('reads F16 and BF16 into float32', () => {
    const h = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00]); // 1, -2, ~1/3, min subnormal, inf
    const bf = new Uint16Array([0x3f80, 0xc040]); // 1, -3
    const data = new Uint8Array(14);
    data.set(new Uint8Array(h.buffer), 0);
    data.set(new Uint8Array(bf.buffer), 10);
    const m = readSafetensors(
      build(
        {
          h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] },
          b: { dtype: 'BF16', shape: [2], data_offsets: [10, 14] },
        },
        data,
      ),
    );
    const hv = m.get('h')!.data;
    expect(hv[0]).toBe(1);
    expect(hv[1]).toBe(-2);
    expect(hv[2]).toBeCloseTo(0.33325, 5);
    expect(hv[3]).toBeCloseTo(5.96e-8, 10);
    expect(hv[4]).toBe(Number.POSITIVE_INFINITY);
    expect([...m.get('b')!.data]).toEqual([1, -3]);
  });

  const ok = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['header length beyond the file', () => build(ok, f32([1, 2]), 5000), /runs past the end/],
    ['100 MB header claim', () => build(ok, f32([1, 2]), 100_000_001), /exceeds/],
    ['file shorter than 8 bytes', () => new Uint8Array(5), /shorter than/],
    ['truncated data', () => build(ok, f32([1])), /outside/],
    [
      'offsets outside the buffer',
      () => build({ t: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, f32([1, 2])),
      /outside/,
    ],
    [
      'overlapping ranges',
      () =>
        build(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          f32([1, 2]),
        ),
      /overlapping/,
    ],
    [
      'dtype size mismatch',
      () => build({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])),
      /needs 12 bytes/,
    ],
    [
      'unknown dtype',
      () => build({ t: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, f32([1, 2])),
      /unsupported dtype/,
    ],
    [
      '__proto__ key',
      () => build('{"__proto__": {"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32([1, 2])),
      /forbidden tensor name/,
    ],
    ['not JSON', () => build('{"t": [', f32([1, 2])), /not valid UTF-8 JSON/],
    ['JSON array', () => build('[1,2]', f32([1, 2])), /not a JSON object/],
    [
      'negative / fractional shape',
      () => build({ t: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32([1, 2])),
      /shape/,
    ],
    [
      'huge shape',
      () => build({ t: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 8] } }, f32([1, 2])),
      /needs/,
    ],
    // what the reference implementation (huggingface/safetensors `Metadata::validate`) also refuses
    [
      'a gap between two tensors',
      () =>
        build(
          {
            a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
            b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
          },
          f32([1, 2, 3]),
        ),
      /tensor b: .*gap of 4 bytes after a/,
    ],
    [
      'a first tensor that does not start at 0',
      () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32([1, 2])),
      /tensor a: .*gap of 4 bytes at the start/,
    ],
    [
      'bytes after the last tensor',
      () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32([1, 2])),
      /cover 4 of the 8 data bytes.*after tensor a/,
    ],
    ['data but no tensors', () => build({}, f32([1, 2])), /cover 0 of the 8 data bytes/],
    [
      'two tensors on the same range',
      () =>
        build(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          },
          f32([1, 2]),
        ),
      /tensor b: .*overlapping a/,
    ],
    [
      'a duplicate tensor name (JSON.parse would keep the last one silently)',
      () =>
        build(
          '{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
          f32([1, 2]),
        ),
      /duplicate key "t"/,
    ],
    [
      'a duplicate field inside a tensor entry',
      () => build('{"t":{"dtype":"F16","dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32([1, 2])),
      /duplicate key "dtype" in t/,
    ],
    [
      'metadata values that are not strings',
      () => build({ __metadata__: { format: 1 } }, new Uint8Array(0)),
      /__metadata__\.format must be a string/,
    ],
  ];
  for (const [name, make, msg] of cases) {
    it(`rejects ${name} with SafetensorsFormatError`, () => {
      const bytes = make();
      let err: unknown;
      try {
        readSafetensors(bytes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SafetensorsFormatError);
      expect(String((err as Error).message)).toMatch(msg);
    });
  }

  it('rejects every truncation of a valid file', () => {
    const bytes = writeSafetensors({ a: { shape: [3], data: Float32Array.from([1, 2, 3]) } });
    for (let n = 0; n < bytes.length; n++) {
      expect(() => readSafetensors(bytes.subarray(0, n))).toThrow(SafetensorsFormatError);
    }
  });
});
