import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ZipLimits } from '@selfevo/superglue-tasks';
import { type BackoffOptions, FetchError, fetchWithRetry, SelfevoError } from '@selfevo/utils';
import { createProgress, type Progress, writeFileAtomic } from '@selfevo/utils/node';
import { type ExpectedContent, HeadCheck } from './content-check.js';
import { ChecksumMismatchError, DownloadError } from './errors.js';
import { verifyZipBytes } from './safe-unzip.js';

export type ProgressCallback = (receivedBytes: number, totalBytes: number | undefined) => void;

/** Timeouts and retries of a download (see `fetchWithRetry` of `@selfevo/utils`). */
export interface NetworkOptions {
  /** Retries after the first attempt on network faults, timeouts, HTTP 5xx and 429 (default 3). */
  retries?: number;
  /** Longest time one attempt may take (default 1 h). */
  timeoutMs?: number;
  /** Abort an attempt when no byte arrived for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Exponential backoff between attempts (default 0.5 s, doubling, at most 30 s, with jitter). */
  backoff?: BackoffOptions;
}

export interface DownloadFileOptions extends NetworkOptions {
  /** Expected sha256 (hex): a mismatch discards the download (`ChecksumMismatchError`). */
  expected?: string;
  /** Read this local file instead of fetching `url` (which then only names the source). */
  localPath?: string;
  /** `true`: a progress bar on stderr; a function: called as bytes arrive; default: bar on a TTY. */
  progress?: boolean | ProgressCallback;
  label?: string;
  /** Content sanity check: the first bytes must look like this (`UnexpectedContentError`). */
  expect?: ExpectedContent;
  /** With `expect: 'zip'`: the whole archive is checked against these limits, with every CRC. */
  zipLimits?: ZipLimits;
  /** Refuse a source larger than this many bytes. */
  maxBytes?: number;
}

/**
 * Byte progress of one download: the caller's callback; else a bar on stderr (`true`, or by
 * default when stderr is a TTY — a forced bar stays silent elsewhere); else nothing.
 */
function progressReporter(option: DownloadFileOptions['progress'], label: string) {
  if (typeof option === 'function') return { tick: option, stop: () => {} };
  const show = option ?? Boolean(process.stderr.isTTY);
  if (!show) return { tick: () => {}, stop: () => {} };
  let bar: Progress | undefined;
  return {
    tick: (received: number, total: number | undefined) => {
      bar ??= createProgress({ label, total, unit: 'bytes', mode: 'bar' });
      bar.update(received);
    },
    stop: () => bar?.stop(),
  };
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Writes `chunks` to `dest` atomically, checking them as they stream: the first bytes against
 * `expect`, then the sha256 against `expected`, then (zip) the whole archive with its CRCs. Any
 * failure throws from inside the iteration, so `writeFileAtomic` discards the temp file and `dest`
 * is never written with content that was not verified.
 */
async function writeVerified(
  source: string,
  dest: string,
  chunks: AsyncIterable<Uint8Array>,
  options: DownloadFileOptions,
): Promise<string> {
  let actual = '';
  async function* verified(): AsyncGenerator<Uint8Array> {
    const hash = createHash('sha256');
    const head = new HeadCheck(options.expect, source);
    const kept: Uint8Array[] | undefined = options.expect === 'zip' && options.zipLimits ? [] : undefined;
    let length = 0;
    for await (const chunk of chunks) {
      hash.update(chunk);
      head.push(chunk);
      kept?.push(chunk);
      length += chunk.length;
      yield chunk;
    }
    head.end();
    actual = hash.digest('hex');
    if (options.expected !== undefined && actual !== options.expected.toLowerCase()) {
      throw new ChecksumMismatchError(source, options.expected, actual);
    }
    if (kept) verifyZipBytes(concat(kept, length), options.zipLimits!, source);
  }
  await writeFileAtomic(dest, verified());
  return actual;
}

async function* localChunks(path: string, onProgress: (n: number, total: number) => void) {
  const total = statSync(path).size;
  let received = 0;
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      received += chunk.length;
      onProgress(received, total);
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } finally {
    stream.destroy();
  }
}

/**
 * Streams `url` (or `localPath`) into `dest` atomically (a temp file, fsynced, then renamed),
 * verifying it as it goes (`writeVerified`): `dest` is written only when the whole body arrived
 * and passed every check; otherwise the temp file is removed and the error thrown, so a cache
 * never holds a partial, wrong or unchecked file. URLs go through `fetchWithRetry` (idle and
 * overall timeouts, retries with backoff); a failed fetch is a `DownloadError` whose `cause` is
 * the `FetchError`. Returns the sha256 (hex).
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadFileOptions = {},
): Promise<string> {
  const progress = progressReporter(options.progress, options.label ?? url);
  try {
    if (options.localPath !== undefined) {
      if (!existsSync(options.localPath)) throw new DownloadError(url, 'no such file');
      const size = statSync(options.localPath).size;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw new DownloadError(url, `${size} bytes, over the limit of ${options.maxBytes}`);
      }
      return await writeVerified(url, dest, localChunks(options.localPath, progress.tick), options);
    }
    const result = await fetchWithRetry(url, {
      retries: options.retries,
      timeoutMs: options.timeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      backoff: options.backoff,
      maxBytes: options.maxBytes,
      init: { redirect: 'follow' },
      onProgress: progress.tick,
      read: (body) => writeVerified(url, dest, body, options),
    });
    return result.body;
  } catch (err) {
    if (err instanceof FetchError) {
      throw new DownloadError(url, `${err.detail} (attempt ${err.attempt} of ${err.maxAttempts})`, {
        status: err.status,
        attempt: err.attempt,
        cause: err,
      });
    }
    // Our checks' own errors pass through; a file-system error (a folder in place of the file, a
    // full disk) becomes a DownloadError naming the source, with the original as its cause.
    if (err instanceof SelfevoError) throw err;
    throw new DownloadError(url, (err as Error)?.message ?? String(err), { cause: err });
  } finally {
    progress.stop();
  }
}
