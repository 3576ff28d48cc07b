// The safetensors header, validated as the reference implementation (huggingface/safetensors,
// `Metadata::validate`) does, before any tensor is allocated: header length within the file and
// under 100 MB, UTF-8 JSON object without duplicate keys, each entry's dtype / shape /
// data_offsets, and ranges that tile the data buffer exactly: the first starts
// at 0, each starts where the previous ends (no gap, no overlap), the last ends at the file's end.
import * as v from 'valibot';
import { SafetensorsFormatError, showValue } from './errors.js';

/** Largest header accepted (same bound as the Rust `safetensors` crate). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of each dtype this reader converts to float32. */
export const BYTES_PER: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** One validated tensor entry: its data is `bytes[dataStart + begin, dataStart + end)`. */
export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: the tensors in file order, `__metadata__`, and where the data starts. */
export interface SafetensorsHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  dataStart: number;
}

/** What is wrong with an entry, by the field that failed the schema. */
const ENTRY_MESSAGES: Record<string, string> = {
  dtype: 'has an unsupported dtype (F32, F16, BF16, F64 are read)',
  shape: 'has a shape that is not a list of non-negative integers',
  data_offsets: 'has data_offsets that are not two non-negative integers',
};

const METADATA = v.record(v.string(), v.string('must be a string'));

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function fail(msg: string): never {
  throw new SafetensorsFormatError(msg);
}

/**
 * Parse and validate the header of a safetensors buffer (no tensor data is read or copied).
 * `bytes` may be just the start of the file (at least its header) when `fileLength` gives the
 * whole file's length (e.g. checking a download as it streams). Throws `SafetensorsFormatError`
 * naming the tensor (or field) at fault.
 */
export function readSafetensorsHeader(bytes: Uint8Array, fileLength?: number): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array');
  const length = fileLength ?? bytes.byteLength;
  if (Math.min(length, bytes.byteLength) < 8)
    fail(`file is ${Math.min(length, bytes.byteLength)} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLen > MAX_HEADER_BYTES)
    fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLen > Math.min(length, bytes.byteLength))
    fail(`header length ${headerLen} runs past the end of the file (${length} bytes): truncated?`);
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    fail('header is not a JSON object');
  const duplicate = findDuplicateKey(text);
  if (duplicate)
    fail(
      `duplicate key ${JSON.stringify(duplicate.key)}${duplicate.parent ? ` in ${duplicate.parent}` : ''}`,
    );
  const dataStart = 8 + headerLen;
  const dataLen = length - dataStart;
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (FORBIDDEN.has(name)) fail(`forbidden tensor name ${JSON.stringify(name)}`);
    if (name === '__metadata__') {
      const m = v.safeParse(METADATA, info, { abortEarly: true });
      if (!m.success) {
        const key = m.issues[0].path?.map((p) => String(p.key)).join('.');
        fail(
          key
            ? `__metadata__.${key} must be a string, got ${showValue(m.issues[0].input)}`
            : `__metadata__ must be an object of strings, got ${showValue(info)}`,
        );
      }
      metadata = m.output;
      continue;
    }
    entries.push(entry(name, info, dataLen));
  }
  checkLayout(entries, dataLen);
  return { entries, metadata, dataStart };
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** One entry: its fields (checked by hand: a header may list a million), then its byte range. */
function entry(name: string, info: unknown, dataLen: number): HeaderEntry {
  if (info === null || typeof info !== 'object' || Array.isArray(info))
    fail(`tensor ${name} is not an object with dtype, shape and data_offsets, got ${showValue(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES_PER, dtype))
    fail(`tensor ${name} ${ENTRY_MESSAGES.dtype}, got ${showValue(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount))
    fail(`tensor ${name} ${ENTRY_MESSAGES.shape}, got ${showValue(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
    fail(`tensor ${name} ${ENTRY_MESSAGES.data_offsets}, got ${showValue(offsets)}`);
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`tensor ${name}: data_offsets [${begin}, ${end}] are reversed`);
  if (end > dataLen)
    fail(`tensor ${name}: data_offsets [${begin}, ${end}] lie outside the ${dataLen}-byte data buffer`);
  let elements = 1;
  for (const d of shape) elements *= d; // exact below 2^53; any overflow cannot equal a valid range
  const needed = elements * BYTES_PER[dtype];
  if (needed !== end - begin)
    fail(
      `tensor ${name}: ${dtype} shape [${shape}] needs ${needed} bytes but its range holds ${end - begin}`,
    );
  return { name, dtype, shape, begin, end };
}

/** The ranges must tile [0, dataLen): sorted by offsets, each starts where the previous ends. */
function checkLayout(entries: readonly HeaderEntry[], dataLen: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: HeaderEntry | undefined;
  for (const e of sorted) {
    const range = `data_offsets [${e.begin}, ${e.end}]`;
    if (e.begin > pos)
      fail(
        `tensor ${e.name}: ${range} leave a gap of ${e.begin - pos} bytes ${prev ? `after ${prev.name} (which ends at ${pos})` : 'at the start of the data buffer'}`,
      );
    if (e.begin < pos)
      fail(`tensor ${e.name}: ${range} are overlapping ${prev?.name} ([${prev?.begin}, ${prev?.end}])`);
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen)
    fail(
      `the tensors cover ${pos} of the ${dataLen} data bytes${prev ? ` (${dataLen - pos} bytes after tensor ${prev.name} belong to none)` : ''}`,
    );
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The first key repeated within one JSON object of `text` (already known to be valid JSON), with
 * the key of that object in its parent. `JSON.parse` keeps the last of duplicate keys silently,
 * so a file could show one tensor to us and another to a different reader. Linear, no recursion.
 */
export function findDuplicateKey(text: string): { key: string; parent?: string } | undefined {
  type Frame = { keys?: Set<string>; name?: string; lastKey?: string };
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      for (let d = text.charCodeAt(j); d !== 0x22; d = text.charCodeAt(j)) j += d === 0x5c ? 2 : 1;
      const top = stack[stack.length - 1];
      let k = j + 1;
      while (isSpace(text.charCodeAt(k))) k++;
      if (top?.keys && text.charCodeAt(k) === 0x3a) {
        const literal = text.slice(i, j + 1);
        const key: string = literal.includes('\\') ? JSON.parse(literal) : literal.slice(1, -1);
        if (top.keys.has(key)) return { key, parent: top.name };
        top.keys.add(key);
        top.lastKey = key;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      const parent = stack[stack.length - 1];
      stack.push({
        keys: c === 0x7b ? new Set() : undefined,
        name: parent?.keys ? parent.lastKey : parent?.name,
      });
    } else if (c === 0x7d || c === 0x5d) stack.pop();
  }
  return undefined;
}
