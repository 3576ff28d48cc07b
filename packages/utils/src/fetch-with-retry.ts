// The one HTTP helper of the selfevo packages (browser-safe: the global `fetch`, `AbortController`
// and timers only). Every network read gets an idle timeout, an overall timeout, and retries with
// exponential backoff and jitter on the faults that a retry can fix.
import { SelfevoError } from './selfevo-error.js';

/** Why a fetch failed. `network`, `idle`, `timeout`, `truncated` and HTTP 5xx/429 are retried. */
export type FetchFailureKind =
  | 'network'
  | 'idle'
  | 'timeout'
  | 'truncated'
  | 'http'
  | 'too-large'
  | 'aborted';

/** What a `FetchError` is made of (`detail`: what went wrong, without the URL and attempt). */
export interface FetchErrorInit {
  url: string;
  kind: FetchFailureKind;
  attempt: number;
  maxAttempts: number;
  status?: number;
  detail: string;
  cause?: unknown;
  retryAfterMs?: number;
}

/** A fetch that failed for good: names the URL, the attempt, and the HTTP status when there was one. */
export class FetchError extends SelfevoError {
  readonly url: string;
  readonly kind: FetchFailureKind;
  /** The attempt that failed (1-based), of `maxAttempts` (`retries + 1`). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The HTTP status, for `kind: 'http'` (and for body faults after a 2xx). */
  readonly status: number | undefined;
  /** Whether this kind of failure is retried (the final error of a retried fetch is still retryable). */
  readonly retryable: boolean;
  /** The wait a 429/503 asked for in `Retry-After`, in ms (before the `maxRetryAfterMs` cap). */
  readonly retryAfterMs: number | undefined;
  /** What went wrong, without the URL and attempt (e.g. `HTTP 404 Not Found`). */
  readonly detail: string;
  constructor(init: FetchErrorInit) {
    const { url, kind, attempt, maxAttempts, status, detail } = init;
    const code = `ERR_FETCH_${kind.toUpperCase().replace('-', '_')}`;
    const http = status === undefined ? '' : ` (HTTP ${status})`;
    super(`fetch ${url} failed on attempt ${attempt} of ${maxAttempts}${http}: ${detail}`, {
      cause: init.cause,
      code,
    });
    [this.url, this.kind, this.attempt, this.maxAttempts] = [url, kind, attempt, maxAttempts];
    [this.status, this.detail, this.retryAfterMs] = [status, detail, init.retryAfterMs];
    this.retryable = isRetryable(kind, status);
  }
}

/** An option of `fetchWithRetry` out of range; `option` names it. */
export class FetchOptionError extends SelfevoError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

function isRetryable(kind: FetchFailureKind, status: number | undefined): boolean {
  if (kind === 'http') return status === 429 || (status !== undefined && status >= 500);
  return kind === 'network' || kind === 'idle' || kind === 'timeout' || kind === 'truncated';
}

/** Exponential backoff: `min(maxMs, initialMs · factor^(retry-1))`, then "equal jitter" (× [0.5, 1)). */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter (default 500 ms). */
  initialMs?: number;
  /** Largest delay (default 30 s). */
  maxMs?: number;
  /** Growth per retry (default 2). */
  factor?: number;
  /** Source of jitter in [0, 1) (default `Math.random`); pass a seeded one for reproducible delays. */
  random?: () => number;
}

/** What the body reader and the result see of the response. */
export interface FetchResponseInfo {
  /** The URL asked for. */
  url: string;
  /** The URL that answered (after redirects). */
  finalUrl: string;
  status: number;
  statusText: string;
  headers: Headers;
  /** `content-length`, when the server sent one (and no content-encoding changes the size). */
  totalBytes: number | undefined;
  /** 1-based attempt that produced this response. */
  attempt: number;
}

/**
 * Consumes the body of one attempt (e.g. streams it into a temp file) and returns what the fetch
 * resolves to. The chunks are guarded by the timeouts and limits; if iterating them throws a
 * `FetchError`, the attempt is retried when that fault is retryable, so a reader must undo its
 * partial work when it throws (e.g. `writeFileAtomic` removes its temp file). Any other error it
 * throws (a checksum mismatch, a content check) ends the fetch unchanged, without retry.
 */
export type BodyReader<T> = (body: AsyncIterable<Uint8Array>, response: FetchResponseInfo) => Promise<T>;

export interface FetchWithRetryOptions<T = Uint8Array> {
  /** Method, headers, … of the request (its `signal` is replaced; use `signal` below). */
  init?: Omit<RequestInit, 'signal'>;
  /** Longest time one attempt may take, headers and body together (default 1 h). */
  timeoutMs?: number;
  /** Abort an attempt when no byte (nor the headers) arrived for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Retries after the first attempt (default 3); only network faults, timeouts, 5xx and 429. */
  retries?: number;
  /** Delay before retry k; a function gets the retry number (1-based) and the error. */
  backoff?: BackoffOptions | ((retry: number, error: FetchError) => number);
  /** A `Retry-After` (seconds or HTTP date) on 429/503 is honoured up to this (default 60 s). */
  maxRetryAfterMs?: number;
  /** Refuse a body larger than this many bytes (by `content-length`, then as it streams). */
  maxBytes?: number;
  /** Cancels the fetch (including a backoff wait): `FetchError` with kind `aborted`, not retried. */
  signal?: AbortSignal;
  /** Bytes received so far in the current attempt, and the expected total when known. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
  /** Called before each retry with the error and the delay about to be waited. */
  onRetry?: (error: FetchError, delayMs: number) => void;
  /** Consumes the body (default: collects it into one `Uint8Array`). */
  read?: BodyReader<T>;
  /** The `fetch` to call (default the global one). */
  fetch?: typeof globalThis.fetch;
}

/** What `fetchWithRetry` resolves to: the response line and headers, the body as read, the attempts used. */
export interface FetchResult<T> extends FetchResponseInfo {
  body: T;
  attempts: number;
}

export const FETCH_DEFAULTS = {
  timeoutMs: 60 * 60 * 1000,
  idleTimeoutMs: 30_000,
  retries: 3,
  maxRetryAfterMs: 60_000,
  backoff: { initialMs: 500, maxMs: 30_000, factor: 2 },
} as const;

const MAX_TIMER_MS = 2_147_483_647;

function checkOptions(o: FetchWithRetryOptions<unknown>): void {
  // Timer delays above 2^31-1 ms overflow to 1 ms in every runtime: refused like the rest.
  const positive = (name: string, v: number | undefined, integer = false, max = MAX_TIMER_MS) => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !(v > 0 && v <= max) || (integer && !Number.isInteger(v)))
      throw new FetchOptionError(
        name,
        `must be a positive ${integer ? 'integer' : 'number'} <= ${max}, got ${String(v)}`,
      );
  };
  positive('timeoutMs', o.timeoutMs);
  positive('idleTimeoutMs', o.idleTimeoutMs);
  positive('maxBytes', o.maxBytes, true, Number.MAX_SAFE_INTEGER);
  if (o.retries !== undefined && (!Number.isInteger(o.retries) || o.retries < 0 || o.retries > 100))
    throw new FetchOptionError('retries', `must be an integer in [0, 100], got ${String(o.retries)}`);
  const cap = o.maxRetryAfterMs;
  if (cap !== undefined && !(cap >= 0 && cap <= MAX_TIMER_MS))
    throw new FetchOptionError('maxRetryAfterMs', `must be in [0, ${MAX_TIMER_MS}], got ${String(cap)}`);
  if (o.backoff !== undefined && typeof o.backoff !== 'function') {
    positive('backoff.initialMs', o.backoff.initialMs);
    positive('backoff.maxMs', o.backoff.maxMs);
    if (o.backoff.factor !== undefined && !(o.backoff.factor >= 1 && o.backoff.factor <= 100))
      throw new FetchOptionError('backoff.factor', `must be in [1, 100], got ${String(o.backoff.factor)}`);
  }
}

/** The delay before retry `retry` (1-based) from the options, `Retry-After` taking precedence. */
export function retryDelayMs(
  retry: number,
  error: FetchError,
  retryAfterMs: number | undefined,
  options: Pick<FetchWithRetryOptions<unknown>, 'backoff' | 'maxRetryAfterMs'> = {},
): number {
  if (retryAfterMs !== undefined)
    return Math.min(retryAfterMs, options.maxRetryAfterMs ?? FETCH_DEFAULTS.maxRetryAfterMs);
  const b = options.backoff;
  if (typeof b === 'function') {
    const ms = b(retry, error);
    if (!(ms >= 0 && ms <= MAX_TIMER_MS))
      throw new FetchOptionError(
        'backoff',
        `returned ${String(ms)} ms for retry ${retry}; expected [0, ${MAX_TIMER_MS}]`,
      );
    return ms;
  }
  const initial = b?.initialMs ?? FETCH_DEFAULTS.backoff.initialMs;
  const max = b?.maxMs ?? FETCH_DEFAULTS.backoff.maxMs;
  const factor = b?.factor ?? FETCH_DEFAULTS.backoff.factor;
  const base = Math.min(max, initial * factor ** (retry - 1));
  return base * (0.5 + 0.5 * (b?.random ?? Math.random)());
}

/** `Retry-After` as milliseconds from now (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolves after `ms`, or rejects with `reason()` as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined, reason: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(reason());
    const onAbort = () => {
      clearTimeout(timer);
      reject(reason());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const c of body) {
    chunks.push(c);
    length += c.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One attempt's abort state: which guard fired first, and a promise that rejects when one does. */
class AttemptGuard {
  readonly controller = new AbortController();
  fired: { kind: FetchFailureKind; detail: string } | undefined;
  readonly aborted: Promise<never>;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly totalTimer: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort = () => this.fire('aborted', 'aborted by the caller');
  private rejectAborted: (e: unknown) => void = () => {};

  constructor(
    private readonly idleMs: number,
    totalMs: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.aborted = new Promise<never>((_, reject) => {
      this.rejectAborted = reject;
    });
    this.aborted.catch(() => {});
    this.totalTimer = setTimeout(
      () => this.fire('timeout', `no complete response within ${totalMs} ms`),
      totalMs,
    );
    this.touch();
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Bytes (or headers) arrived: restart the idle timer. */
  touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.fire('idle', `no data for ${this.idleMs} ms (idle timeout)`),
      this.idleMs,
    );
  }

  fire(kind: FetchFailureKind, detail: string): void {
    if (this.fired) return;
    this.fired = { kind, detail };
    this.controller.abort();
    this.rejectAborted(new Error(detail));
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

/**
 * GETs `url` (or what `init` says) with bounded waits and retries, and returns the body as `read`
 * consumes it (default: the bytes). Each attempt is aborted when nothing arrives for
 * `idleTimeoutMs` or it takes longer than `timeoutMs`; network errors, those timeouts, a body cut
 * short of its `content-length`, HTTP 5xx and 429 are retried up to `retries` times after an
 * exponential, jittered backoff (a `Retry-After` header is honoured up to `maxRetryAfterMs`).
 * Other statuses and `maxBytes` fail at once. Every failure is a `FetchError` naming the URL, the
 * attempt and the status. Browser-safe (global `fetch`); also used by the dataset and hub downloads.
 */
export async function fetchWithRetry(
  url: string | URL,
  options?: FetchWithRetryOptions<Uint8Array>,
): Promise<FetchResult<Uint8Array>>;
export async function fetchWithRetry<T>(
  url: string | URL,
  options: FetchWithRetryOptions<T> & { read: BodyReader<T> },
): Promise<FetchResult<T>>;
export async function fetchWithRetry<T>(
  url: string | URL,
  options: FetchWithRetryOptions<T> = {},
): Promise<FetchResult<T>> {
  checkOptions(options);
  const href = String(url);
  const maxAttempts = (options.retries ?? FETCH_DEFAULTS.retries) + 1;
  const read = (options.read ?? collect) as BodyReader<T>;
  const doFetch = options.fetch ?? globalThis.fetch;
  for (let attempt = 1; ; attempt++) {
    const fail: Fail = (kind, detail, status, cause, retryAfterMs) =>
      new FetchError({ url: href, kind, attempt, maxAttempts, status, detail, cause, retryAfterMs });
    let error: FetchError;
    const guard = new AttemptGuard(
      options.idleTimeoutMs ?? FETCH_DEFAULTS.idleTimeoutMs,
      options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs,
      options.signal,
    );
    try {
      return await attemptOnce(href, attempt, options, read, doFetch, guard, fail);
    } catch (err) {
      if (guard.fired) error = fail(guard.fired.kind, guard.fired.detail, (err as FetchError).status, err);
      else if (err instanceof FetchError) error = err;
      else if (err instanceof ReaderError) throw err.error;
      else error = fail('network', (err as Error)?.message ?? String(err), undefined, err);
    } finally {
      guard.dispose();
    }
    if (!error.retryable || attempt >= maxAttempts) throw error;
    const delay = retryDelayMs(attempt, error, error.retryAfterMs, options);
    options.onRetry?.(error, delay);
    await sleep(delay, options.signal, () => fail('aborted', 'aborted by the caller while waiting to retry'));
  }
}

type Fail = (
  kind: FetchFailureKind,
  detail: string,
  status?: number,
  cause?: unknown,
  retryAfterMs?: number,
) => FetchError;

/** Wraps an error thrown by the caller's body reader (not by our body guard): passed on unchanged. */
class ReaderError {
  constructor(readonly error: unknown) {}
}

async function attemptOnce<T>(
  url: string,
  attempt: number,
  options: FetchWithRetryOptions<T>,
  read: BodyReader<T>,
  doFetch: typeof globalThis.fetch,
  guard: AttemptGuard,
  fail: Fail,
): Promise<FetchResult<T>> {
  const response = await Promise.race([
    doFetch(url, { ...options.init, signal: guard.controller.signal }),
    guard.aborted,
  ]);
  guard.touch();
  const { status } = response;
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    const retryAfter =
      status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
    throw fail('http', `HTTP ${status} ${response.statusText}`.trim(), status, undefined, retryAfter);
  }
  const length = response.headers.get('content-length');
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const totalBytes = length !== null && /^\d+$/.test(length) && !encoded ? Number(length) : undefined;
  if (options.maxBytes !== undefined && totalBytes !== undefined && totalBytes > options.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw fail('too-large', `content-length ${totalBytes} is over maxBytes (${options.maxBytes})`, status);
  }
  const info: FetchResponseInfo = {
    url,
    finalUrl: response.url || url,
    status,
    statusText: response.statusText,
    headers: response.headers,
    totalBytes,
    attempt,
  };
  let bodyFault: FetchError | undefined;
  async function* guarded(): AsyncGenerator<Uint8Array> {
    if (!response.body) return;
    const reader = response.body.getReader();
    let received = 0;
    let done = false;
    try {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await Promise.race([reader.read(), guard.aborted]);
        } catch (err) {
          const fired = guard.fired;
          throw fired
            ? fail(fired.kind, fired.detail, status, err)
            : fail(
                'network',
                `connection lost after ${received} bytes (${(err as Error).message})`,
                status,
                err,
              );
        }
        if (next.done) break;
        guard.touch();
        received += next.value.length;
        if (options.maxBytes !== undefined && received > options.maxBytes) {
          throw fail('too-large', `body is over maxBytes (${options.maxBytes})`, status);
        }
        options.onProgress?.(received, totalBytes);
        yield next.value;
      }
      done = true;
      if (totalBytes !== undefined && received !== totalBytes) {
        throw fail('truncated', `received ${received} of ${totalBytes} bytes`, status);
      }
    } catch (err) {
      if (err instanceof FetchError) bodyFault = err;
      throw err;
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }
  let body: T;
  try {
    body = await read(guarded(), info);
  } catch (err) {
    if (bodyFault) throw bodyFault;
    if (guard.fired) throw err;
    throw new ReaderError(err);
  }
  return { ...info, body, attempts: attempt };
}
