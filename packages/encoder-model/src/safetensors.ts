import { SafetensorsFormatError } from './errors.js';

/** One tensor as read from (or to be written to) a safetensors file; data is always float32 here. */
export interface SafeTensor {
  /** dtype as stored in the file (`F32`, `F16`, `BF16`, `F64`); always `F32` when writing. */
  dtype: string;
  shape: number[];
  data: Float32Array;
}

/** Largest header accepted (same bound as the Rust `safetensors` crate). */
export const MAX_HEADER_BYTES = 100_000_000;

const BYTES_PER: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

function fail(msg: string): never {
  throw new SafetensorsFormatError(msg);
}

/**
 * Parse a safetensors buffer. F32 is copied as is; F16, BF16 and F64 are converted to float32.
 * Every header field is validated before any tensor is allocated: header length within the
 * file and under 100 MB, a JSON object, known dtypes, integer shapes whose byte size equals the
 * range, ranges inside the data buffer and not overlapping, no `__proto__`-style names.
 */
export function readSafetensors(bytes: Uint8Array): Map<string, SafeTensor> {
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array');
  if (bytes.byteLength < 8) fail(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo;
  if (headerLen > MAX_HEADER_BYTES)
    fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLen > bytes.byteLength)
    fail(`header length ${headerLen} runs past the end of the file (${bytes.byteLength} bytes): truncated?`);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    fail('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const name of Object.keys(header as object)) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype')
      fail(`forbidden tensor name ${JSON.stringify(name)}`);
    const info = (header as Record<string, unknown>)[name];
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info))
        fail('__metadata__ must be an object of strings');
      continue;
    }
    if (info === null || typeof info !== 'object') fail(`entry ${name} is not an object`);
    const { dtype, shape, data_offsets: offs } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in BYTES_PER))
      fail(`tensor ${name}: unsupported dtype ${JSON.stringify(dtype)} (F32, F16, BF16, F64 are read)`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor ${name}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0))
      fail(`tensor ${name}: data_offsets ${JSON.stringify(offs)} must be two non-negative integers`);
    const [begin, end] = offs as number[];
    if (begin > end) fail(`tensor ${name}: data_offsets [${begin}, ${end}] are reversed`);
    if (end > dataLen)
      fail(`tensor ${name}: data_offsets [${begin}, ${end}] lie outside the ${dataLen}-byte data buffer`);
    let count = 1;
    for (const d of shape as number[]) count *= d;
    if (count * BYTES_PER[dtype] !== end - begin)
      fail(
        `tensor ${name}: ${dtype} shape [${shape}] needs ${count * BYTES_PER[dtype]} bytes but its range holds ${end - begin}`,
      );
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end)
      fail(`tensors ${sorted[i - 1].name} and ${sorted[i].name} have overlapping data ranges`);
  }
  const out = new Map<string, SafeTensor>();
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    out.set(e.name, { dtype: e.dtype, shape: e.shape, data: decode(raw, e.dtype) });
  }
  return out;
}

/** The `__metadata__` string map of a safetensors buffer (empty when absent). */
export function readSafetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  readSafetensors(bytes); // validates the whole file first
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const meta = header.__metadata__ ?? {};
  const res: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) res[k] = String(v);
  return res;
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

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Anything with a shape and float data: a `SafeTensor`, or `{ shape, data }`. */
export type TensorLike = { shape: readonly number[]; data: Float32Array | ArrayLike<number> };

/**
 * Serialise float32 tensors to safetensors (names sorted, header padded to 8 bytes with spaces,
 * as the Rust implementation writes it). `metadata` becomes `__metadata__` (string values).
 */
export function writeSafetensors(
  tensors: Map<string, TensorLike> | Record<string, TensorLike>,
  metadata?: Record<string, string>,
): Uint8Array {
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
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
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
    out.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), pos);
    pos += f.byteLength;
  }
  return out;
}
