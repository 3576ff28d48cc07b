// A bounded, CRC-checked zip reader for untrusted archives: the official task zips the loader
// extracts and the submission zips the scorer reads. The central directory is read once (linear in
// the entry count), every stated size is checked against the limits before anything is inflated,
// and each entry is inflated in small slices with its real size and CRC-32 checked as it streams.
import { Inflate } from 'fflate';
import { crc32 } from './crc32.js';
import { ZipFormatError, ZipLimitError } from './errors.js';

/** What an archive may hold. Every field is a positive number; callers validate their options. */
export interface ZipLimits {
  /** Size of the archive file itself, in bytes. */
  maxArchiveBytes: number;
  /** Entries in the central directory (folders included). */
  maxEntries: number;
  /** Stated expanded size of one entry, in bytes. */
  maxEntryBytes: number;
  /** Stated expanded size of all entries together, in bytes. */
  maxTotalBytes: number;
  /** Expanded / compressed size of one entry (entries under `RATIO_FLOOR_BYTES` are exempt). */
  maxRatio: number;
}

/** Entries that expand to at most this many bytes are not held to `maxRatio` (1 MiB). */
export const RATIO_FLOOR_BYTES = 1 << 20;

/** One entry of the central directory, its stated sizes already checked against the limits. */
export interface ZipEntry {
  name: string;
  /** A folder entry (name ending in `/` or `\`): no data. */
  directory: boolean;
  /** 0 = stored, 8 = deflate (the only methods read). */
  method: 0 | 8;
  compressedSize: number;
  /** Stated expanded size; the data must inflate to exactly this. */
  size: number;
  /** Stated CRC-32 of the expanded data (unsigned). */
  crc32: number;
  /** Where the entry's compressed data starts in the archive. */
  dataOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
/** Compressed bytes handed to the inflater at a time: one step can expand to at most ~16.5 MiB. */
const SLICE = 1 << 14;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function findEndOfDirectory(view: DataView, archive: string): number {
  const last = view.byteLength - EOCD_SIZE;
  const first = Math.max(0, last - 0xffff);
  for (let at = last; at >= first; at--) if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  throw new ZipFormatError(archive, undefined, 'not a zip archive (no end-of-central-directory record)');
}

/**
 * Reads and checks the central directory of `zip`. Throws `ZipLimitError` when the archive, the
 * entry count, an entry's stated size, the stated total or an entry's expansion ratio is over
 * `limits`, and `ZipFormatError` for a malformed or unsupported archive: a directory or entry
 * outside the file, entries that overlap (the "overlapping files" zip bomb), duplicate names,
 * encryption, zip64, or a method other than stored/deflate. Nothing is inflated.
 */
export function readZipDirectory(zip: Uint8Array, limits: ZipLimits, archive = '<zip bytes>'): ZipEntry[] {
  if (zip.length > limits.maxArchiveBytes) {
    throw new ZipLimitError(
      archive,
      undefined,
      'maxArchiveBytes',
      zip.length,
      limits.maxArchiveBytes,
      `archive is ${zip.length} bytes, over maxArchiveBytes (${limits.maxArchiveBytes})`,
    );
  }
  if (zip.length < EOCD_SIZE) throw new ZipFormatError(archive, undefined, 'not a zip archive (too short)');
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = findEndOfDirectory(view, archive);
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw new ZipFormatError(archive, undefined, 'zip64 archives are not supported');
  }
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 8, true) !== count) {
    throw new ZipFormatError(archive, undefined, 'multi-disk archives are not supported');
  }
  if (count > limits.maxEntries) {
    throw new ZipLimitError(
      archive,
      undefined,
      'maxEntries',
      count,
      limits.maxEntries,
      `archive has ${count} entries, over maxEntries (${limits.maxEntries})`,
    );
  }
  const directoryEnd = directoryOffset + directorySize;
  if (directoryEnd > eocd) throw new ZipFormatError(archive, undefined, 'central directory outside the file');

  const entries: (ZipEntry & { headerOffset: number })[] = [];
  const names = new Set<string>();
  let total = 0;
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > directoryEnd || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new ZipFormatError(archive, undefined, `central directory entry ${i} is malformed`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const headerOffset = view.getUint32(at + 42, true);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > directoryEnd)
      throw new ZipFormatError(archive, undefined, `central directory entry ${i} is malformed`);
    const rawName = zip.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    let name: string;
    try {
      name = flags & 0x800 ? utf8.decode(rawName) : latin1(rawName);
    } catch {
      throw new ZipFormatError(archive, latin1(rawName), 'entry name is not valid UTF-8');
    }
    at = next;
    if (names.has(name)) throw new ZipFormatError(archive, name, 'duplicate entry name');
    names.add(name);
    if (flags & 0x1) throw new ZipFormatError(archive, name, 'encrypted entries are not supported');
    if (method !== 0 && method !== 8) {
      throw new ZipFormatError(
        archive,
        name,
        `compression method ${method} is not supported (stored or deflate only)`,
      );
    }
    if (compressedSize === 0xffffffff || size === 0xffffffff || headerOffset === 0xffffffff) {
      throw new ZipFormatError(archive, name, 'zip64 entries are not supported');
    }
    if (method === 0 && compressedSize !== size) {
      throw new ZipFormatError(
        archive,
        name,
        `stored entry states ${size} bytes but holds ${compressedSize}`,
      );
    }
    if (size > limits.maxEntryBytes) {
      throw new ZipLimitError(
        archive,
        name,
        'maxEntryBytes',
        size,
        limits.maxEntryBytes,
        `expands to ${size} bytes, over maxEntryBytes (${limits.maxEntryBytes})`,
      );
    }
    if (size > RATIO_FLOOR_BYTES && size / Math.max(compressedSize, 1) > limits.maxRatio) {
      const ratio = size / Math.max(compressedSize, 1);
      throw new ZipLimitError(
        archive,
        name,
        'maxRatio',
        ratio,
        limits.maxRatio,
        `expands ${Math.round(ratio)}× (${compressedSize} → ${size} bytes), over maxRatio (${limits.maxRatio})`,
      );
    }
    total += size;
    if (total > limits.maxTotalBytes) {
      throw new ZipLimitError(
        archive,
        name,
        'maxTotalBytes',
        total,
        limits.maxTotalBytes,
        `archive expands beyond ${limits.maxTotalBytes} bytes (maxTotalBytes)`,
      );
    }
    entries.push({
      name,
      directory: name.endsWith('/') || name.endsWith('\\'),
      method,
      compressedSize,
      size,
      crc32: crc,
      dataOffset: 0,
      headerOffset,
    });
  }
  // Local headers give where each entry's data starts; the data must lie before the directory and
  // no two entries may share bytes (sorted by offset: one pass).
  const byOffset = [...entries].sort((a, b) => a.headerOffset - b.headerOffset);
  let previousEnd = 0;
  for (const entry of byOffset) {
    const h = entry.headerOffset;
    if (h < previousEnd) throw new ZipFormatError(archive, entry.name, 'overlaps another entry');
    if (h + LOCAL_SIZE > directoryOffset || view.getUint32(h, true) !== LOCAL_SIGNATURE) {
      throw new ZipFormatError(archive, entry.name, 'local header missing or outside the file');
    }
    entry.dataOffset = h + LOCAL_SIZE + view.getUint16(h + 26, true) + view.getUint16(h + 28, true);
    previousEnd = entry.dataOffset + entry.compressedSize;
    if (previousEnd > directoryOffset)
      throw new ZipFormatError(archive, entry.name, 'data runs past the end of the file');
  }
  return entries.map(({ headerOffset: _, ...entry }) => entry);
}

/**
 * Inflates one entry in small slices, handing each expanded chunk to `onChunk` as it comes. Throws
 * `ZipFormatError` naming the entry as soon as the data expands past its stated size (so a lying
 * header cannot make it allocate more), when it expands to less, when the CRC-32 differs, or when
 * the deflate data is corrupt. Errors thrown by `onChunk` pass through unchanged.
 */
export function streamZipEntry(
  zip: Uint8Array,
  entry: ZipEntry,
  archive: string,
  onChunk: (chunk: Uint8Array) => void,
): void {
  const data = zip.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let produced = 0;
  let crc = 0;
  const take = (chunk: Uint8Array) => {
    if (chunk.length === 0) return;
    produced += chunk.length;
    if (produced > entry.size) {
      throw new ZipFormatError(archive, entry.name, `expands beyond its stated size of ${entry.size} bytes`);
    }
    crc = crc32(chunk, crc);
    onChunk(chunk);
  };
  if (entry.method === 0) {
    for (let off = 0; off < data.length; off += SLICE) take(data.subarray(off, off + SLICE));
  } else {
    const inflater = new Inflate((chunk) => take(chunk));
    try {
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
      for (let off = 0; off < data.length; off += SLICE) {
        inflater.push(data.subarray(off, off + SLICE), off + SLICE >= data.length);
      }
    } catch (err) {
      // fflate's own errors carry a numeric code; ours and the sink's pass through.
      if (typeof (err as { code?: unknown }).code !== 'number') throw err;
      throw new ZipFormatError(archive, entry.name, `corrupt deflate data (${(err as Error).message})`);
    }
  }
  if (produced !== entry.size) {
    throw new ZipFormatError(archive, entry.name, `states ${entry.size} bytes but expands to ${produced}`);
  }
  if (crc !== entry.crc32) {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    throw new ZipFormatError(
      archive,
      entry.name,
      `CRC-32 mismatch: stated ${hex(entry.crc32)}, data ${hex(crc)}`,
    );
  }
}

/** One entry's expanded bytes (at most its stated size, checked: see `streamZipEntry`). */
export function readZipEntry(zip: Uint8Array, entry: ZipEntry, archive: string): Uint8Array {
  const out = new Uint8Array(entry.size);
  let at = 0;
  streamZipEntry(zip, entry, archive, (chunk) => {
    out.set(chunk, at);
    at += chunk.length;
  });
  return out;
}
