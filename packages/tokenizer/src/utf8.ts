import { TextDecodeError } from './errors.js';

/**
 * Offset of the first byte sequence that breaks UTF-8 (WHATWG rules: no overlongs, no surrogates,
 * nothing above U+10FFFF; a truncated last sequence counts), or -1 when all of it is valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return i;
      const c = bytes[i + k];
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

const asBytes = (b: Uint8Array | ArrayBuffer) => (b instanceof Uint8Array ? b : new Uint8Array(b));

/**
 * Strict UTF-8 → string: invalid bytes are a `TextDecodeError` naming `file` and the byte offset
 * (never a silent U+FFFD). A leading byte-order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array | ArrayBuffer, file: string): string {
  const b = asBytes(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new TextDecodeError(file, Math.max(0, firstInvalidUtf8(b)));
  }
}

/** Bytes at the end of `chunk` that start a sequence the chunk does not complete. */
function incompleteTail(chunk: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, chunk.length); k++) {
    const b = chunk[chunk.length - k];
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return len > k ? k : 0;
    }
  }
  return 0;
}

/** Strict streaming UTF-8 decoding of a file read in chunks; errors name the file and byte offset. */
export class Utf8StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private offset = 0;
  private tail = new Uint8Array(0);

  constructor(readonly file: string) {}

  /** The text of `chunk` (a sequence cut at the end is held for the next chunk). */
  write(chunk: Uint8Array): string {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      const joined = new Uint8Array(this.tail.length + chunk.length);
      joined.set(this.tail);
      joined.set(chunk, this.tail.length);
      throw new TextDecodeError(
        this.file,
        this.offset - this.tail.length + Math.max(0, firstInvalidUtf8(joined)),
      );
    }
    let view = chunk;
    if (chunk.length < 3) {
      view = new Uint8Array(this.tail.length + chunk.length);
      view.set(this.tail);
      view.set(chunk, this.tail.length);
    }
    const t = incompleteTail(view);
    this.tail = t === 0 ? new Uint8Array(0) : view.slice(view.length - t);
    this.offset += chunk.length;
    return text;
  }

  /** The end of the stream: a truncated last sequence is an error. */
  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw new TextDecodeError(this.file, this.offset - this.tail.length);
    }
  }
}
