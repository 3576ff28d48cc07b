export interface JsonlLine {
  /** 1-based line number. */
  line: number;
  text: string;
  /** Why the line could not be read (too long, invalid UTF-8); `text` is then empty. */
  error?: string;
}

/** Longest line read by default: 16 MiB (the longest official line, a MultiRC paragraph, is ~100 KB). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decode(parts: Uint8Array[], length: number, line: number): JsonlLine {
  let bytes = concat(parts, length);
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
  if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  try {
    return { line, text: utf8.decode(bytes) };
  } catch {
    return { line, text: '', error: 'line is not valid UTF-8' };
  }
}

/**
 * Splits a stream of byte chunks (a file read stream, `Blob.stream()`, a fetch `Response.body`, or
 * one `Uint8Array`) into lines. A final line without a trailing newline is
 * yielded like any other; `\r\n` endings and a leading BOM are accepted. Memory use is one line at
 * a time, at most `maxLineBytes`: a longer line is skipped as it streams and yielded with `error`
 * (its bytes are never held), as is a line that is not valid UTF-8 (never silently replaced by
 * U+FFFD), so the caller can name it.
 */
export async function* linesOf(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<JsonlLine> {
  let parts: Uint8Array[] = [];
  let length = 0;
  let tooLong = false;
  let line = 0;
  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!tooLong) {
        length += end - start;
        if (length > maxLineBytes) {
          tooLong = true;
          parts = [];
        } else if (end > start) parts.push(chunk.subarray(start, end));
      }
      if (nl < 0) break;
      line++;
      yield tooLong
        ? { line, text: '', error: `line is longer than ${maxLineBytes} bytes (maxLineBytes)` }
        : decode(parts, length, line);
      parts = [];
      length = 0;
      tooLong = false;
      start = nl + 1;
    }
  }
  if (length > 0 || tooLong) {
    line++;
    yield tooLong
      ? { line, text: '', error: `line is longer than ${maxLineBytes} bytes (maxLineBytes)` }
      : decode(parts, length, line);
  }
}
