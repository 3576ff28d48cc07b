import { SafetensorsFormatError } from './errors.js';
import { floatToHalf, halfToFloat } from './half-float.js';
import { BYTES_PER, readSafetensorsHeader } from './safetensors-header.js';

export { MAX_HEADER_BYTES, readSafetensorsHeader, type SafetensorsHeader } from './safetensors-header.js';

/** One tensor as read from (or to be written to) a safetensors file; data is always float32 here. */
export interface SafeTensor {
  /** dtype as stored in the file (`F32`, `F16`, `BF16`, `F64`); ignored when writing (`WriteOptions.dtype`). */
  dtype: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Parse a safetensors buffer. F32 is copied as is; F16, BF16 and F64 are converted to float32.
 * The whole header is validated before any tensor is allocated (`readSafetensorsHeader`: length,
 * JSON without duplicate keys, dtypes, shapes, ranges that tile the data buffer exactly, as the
 * reference implementation requires); else `SafetensorsFormatError` naming the tensor.
 */
export function readSafetensors(bytes: Uint8Array): Map<string, SafeTensor> {
  const { entries, dataStart } = readSafetensorsHeader(bytes);
  const out = new Map<string, SafeTensor>();
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    out.set(e.name, { dtype: e.dtype, shape: e.shape, data: decode(raw, e.dtype) });
  }
  return out;
}

/** The `__metadata__` string map of a safetensors buffer (empty when absent); validates the header. */
export function readSafetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  return { ...readSafetensorsHeader(bytes).metadata };
}

function decode(raw: Uint8Array, dtype: string): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.byteLength / BYTES_PER[dtype];
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'BF16': {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
  }
  return out;
}

/** Anything with a shape and float data: a `SafeTensor`, or `{ shape, data }`. */
export type TensorLike = { shape: readonly number[]; data: Float32Array | ArrayLike<number> };

/** Options of `writeSafetensors`. */
export interface WriteOptions {
  /**
   * Stored dtype of every tensor: `F32` (default, exact) or `F16` (half the bytes; each value
   * rounded to the nearest binary16, ties to even). A value that does not fit binary16 (|x| > 65504
   * after rounding, or NaN) throws `SafetensorsFormatError` naming the tensor: nothing is clipped.
   */
  dtype?: 'F32' | 'F16';
}

/**
 * Serialise float32 tensors to safetensors (names sorted, header padded to 8 bytes with spaces,
 * as the Rust implementation writes it). `metadata` becomes `__metadata__` (string values).
 */
export function writeSafetensors(
  tensors: Map<string, TensorLike> | Record<string, TensorLike>,
  metadata?: Record<string, string>,
  opts: WriteOptions = {},
): Uint8Array {
  const dtype = opts.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'F16')
    throw new SafetensorsFormatError(`dtype must be F32 or F16, got ${String(dtype)}`);
  const width = BYTES_PER[dtype];
  const map = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const names = [...map.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = { ...metadata };
  let offset = 0;
  for (const name of names) {
    if (name === '__proto__' || name === '__metadata__')
      throw new SafetensorsFormatError(`cannot write a tensor named ${name}`);
    const t = map.get(name) as TensorLike;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new SafetensorsFormatError(
        `tensor ${name}: shape [${t.shape}] has ${count} elements but data has ${t.data.length}`,
      );
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + count * width] };
    offset += count * width;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.byteLength % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.byteLength, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let pos = 8 + json.byteLength;
  for (const name of names) {
    const t = map.get(name) as TensorLike;
    const f = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    if (dtype === 'F32') out.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), pos);
    else
      for (let i = 0; i < f.length; i++) {
        const h = floatToHalf(f[i]);
        if ((h & 0x7c00) === 0x7c00)
          throw new SafetensorsFormatError(
            `tensor ${name}: element ${i} = ${f[i]} does not fit F16 (|x| ≤ 65504, not NaN); write it as F32`,
          );
        view.setUint16(pos + 2 * i, h, true);
      }
    pos += f.length * width;
  }
  return out;
}
