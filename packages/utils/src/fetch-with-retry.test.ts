import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FetchError,
  FetchOptionError,
  fetchWithRetry,
  parseRetryAfter,
  retryDelayMs,
} from './fetch-with-retry.js';
import { SeededRandom } from './seeded-random.js';
import { SelfevoError } from './selfevo-error.js';

const BODY = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 0xff);
const hits = new Map<string, number>();
const open = new Set<ServerResponse>();
let server: Server;
let base = '';

/** Routes of a 127.0.0.1 server with the faults a download meets; `n` = this route's hit count. */
function route(path: string, n: number, req: IncomingMessage, res: ServerResponse): void {
  switch (path) {
    case '/ok':
      res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
      return;
    case '/stall': // accepts, never answers
      open.add(res);
      return;
    case '/stall-body': // headers and a first part, then nothing
      open.add(res);
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 1000));
      return;
    case '/flaky': // 503 (with a long Retry-After), then 200
      if (n === 1) res.writeHead(503, { 'retry-after': '3600' }).end('busy');
      else res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
      return;
    case '/rate': // 429 with Retry-After: 0, then 200
      if (n === 1) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.writeHead(200).end('ok');
      return;
    case '/drop': // the first transfer is cut mid-body, the second is whole
      res.writeHead(200, { 'content-length': BODY.length });
      if (n === 1) res.write(BODY.subarray(0, 5000), () => res.destroy());
      else res.end(BODY);
      return;
    case '/short': // half-closes the connection short of its content-length
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 100), () => res.socket?.end());
      return;
    case '/always-500':
      res.writeHead(500).end('boom');
      return;
    case '/404':
      res.writeHead(404).end('not found');
      return;
    case '/trickle': {
      // a byte every 40 ms, forever: never idle, but never done
      res.writeHead(200);
      open.add(res);
      const timer = setInterval(() => res.write('x'), 40);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case '/post':
      req.resume();
      req.on('end', () => res.writeHead(200).end(req.method));
      return;
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    route(path, n, req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => hits.clear());

const quick = { backoff: { initialMs: 5, maxMs: 20 }, idleTimeoutMs: 2000 };

async function failure(p: Promise<unknown>): Promise<FetchError> {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  expect(err).toBeInstanceOf(SelfevoError);
  return err as FetchError;
}

describe('fetchWithRetry against a 127.0.0.1 server', () => {
  it('returns the body with progress, status and the attempt count', async () => {
    const progress: [number, number | undefined][] = [];
    const r = await fetchWithRetry(`${base}/ok`, { ...quick, onProgress: (a, b) => progress.push([a, b]) });
    expect(r.body).toEqual(BODY);
    expect(r).toMatchObject({ status: 200, attempts: 1, totalBytes: BODY.length });
    expect(progress.at(-1)).toEqual([BODY.length, BODY.length]);
    const post = await fetchWithRetry(`${base}/post`, { init: { method: 'POST', body: 'x' } });
    expect(new TextDecoder().decode(post.body)).toBe('POST');
  });

  it('a server that never answers: aborted after idleTimeoutMs, retried, then a typed error (not a 5-minute wait)', async () => {
    const start = performance.now();
    const err = await failure(fetchWithRetry(`${base}/stall`, { ...quick, idleTimeoutMs: 150, retries: 2 }));
    expect(performance.now() - start).toBeLessThan(3000);
    expect(err.kind).toBe('idle');
    expect(err.attempt).toBe(3);
    expect(err.maxAttempts).toBe(3);
    expect(err.url).toBe(`${base}/stall`);
    expect(err.message).toBe(
      `fetch ${base}/stall failed on attempt 3 of 3: no data for 150 ms (idle timeout)`,
    );
    expect(hits.get('/stall')).toBe(3);
  });

  it('a body that stops mid-way is aborted by the idle timeout', async () => {
    const err = await failure(
      fetchWithRetry(`${base}/stall-body`, { ...quick, idleTimeoutMs: 150, retries: 1 }),
    );
    expect(err.kind).toBe('idle');
    expect(err.status).toBe(200);
    expect(hits.get('/stall-body')).toBe(2);
  });

  it('a body that trickles forever is cut by timeoutMs', async () => {
    const err = await failure(fetchWithRetry(`${base}/trickle`, { ...quick, timeoutMs: 300, retries: 0 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/attempt 1 of 1 \(HTTP 200\): no complete response within 300 ms/);
  });

  it('503 then 200: retried, Retry-After honoured but capped by maxRetryAfterMs', async () => {
    const waits: number[] = [];
    const r = await fetchWithRetry(`${base}/flaky`, {
      ...quick,
      maxRetryAfterMs: 50,
      onRetry: (e, ms) => {
        expect(e.status).toBe(503);
        expect(e.retryAfterMs).toBe(3_600_000);
        waits.push(ms);
      },
    });
    expect(r.body).toEqual(BODY);
    expect(r.attempts).toBe(2);
    expect(waits).toEqual([50]);
  });

  it('429 with Retry-After: 0 is retried at once', async () => {
    const waits: number[] = [];
    const r = await fetchWithRetry(`${base}/rate`, { ...quick, onRetry: (_, ms) => waits.push(ms) });
    expect(r.attempts).toBe(2);
    expect(waits).toEqual([0]);
  });

  it('a connection dropped mid-body is retried and the second transfer is returned whole', async () => {
    const errors: FetchError[] = [];
    const r = await fetchWithRetry(`${base}/drop`, { ...quick, onRetry: (e) => errors.push(e) });
    expect(r.body).toEqual(BODY);
    expect(r.attempts).toBe(2);
    expect(errors).toHaveLength(1);
    expect(['network', 'truncated']).toContain(errors[0]!.kind);
    expect(errors[0]!.attempt).toBe(1);
  });

  it('a body shorter than its content-length is never returned', async () => {
    const err = await failure(fetchWithRetry(`${base}/short`, { ...quick, retries: 1 }));
    expect(['network', 'truncated']).toContain(err.kind);
    expect(err.attempt).toBe(2);
  });

  it('an injected fetch whose body ends short of its content-length: truncated, retried', async () => {
    let calls = 0;
    const fake = (async () => {
      calls++;
      return new Response(calls === 1 ? 'short' : 'x'.repeat(10), { headers: { 'content-length': '10' } });
    }) as typeof fetch;
    const errors: FetchError[] = [];
    const r = await fetchWithRetry('http://example.invalid/f', {
      ...quick,
      fetch: fake,
      onRetry: (e) => errors.push(e),
    });
    expect(new TextDecoder().decode(r.body)).toBe('x'.repeat(10));
    expect(errors[0]).toMatchObject({ kind: 'truncated', attempt: 1, status: 200 });
    expect(errors[0]!.message).toMatch(/received 5 of 10 bytes/);
  });

  it('5xx retried until the attempts run out; 4xx not retried', async () => {
    const e500 = await failure(fetchWithRetry(`${base}/always-500`, { ...quick, retries: 2 }));
    expect(e500).toMatchObject({ kind: 'http', status: 500, attempt: 3, retryable: true });
    expect(e500.message).toBe(
      `fetch ${base}/always-500 failed on attempt 3 of 3 (HTTP 500): HTTP 500 Internal Server Error`,
    );
    expect(hits.get('/always-500')).toBe(3);
    const e404 = await failure(fetchWithRetry(`${base}/404`, { ...quick, retries: 5 }));
    expect(e404).toMatchObject({ kind: 'http', status: 404, attempt: 1, maxAttempts: 6, retryable: false });
    expect(hits.get('/404')).toBe(1);
  });

  it('a refused connection is a network error, retried', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await failure(fetchWithRetry(`http://127.0.0.1:${port}/x`, { ...quick, retries: 1 }));
    expect(err.kind).toBe('network');
    expect(err.attempt).toBe(2);
  });

  it('maxBytes refuses a large body by content-length, without retry', async () => {
    const err = await failure(fetchWithRetry(`${base}/ok`, { ...quick, maxBytes: 1000 }));
    expect(err.kind).toBe('too-large');
    expect(hits.get('/ok')).toBe(1);
  });

  it('the caller signal cancels a request and a backoff wait, without retry', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await failure(fetchWithRetry(`${base}/stall`, { ...quick, signal: ac.signal }));
    expect(err.kind).toBe('aborted');
    expect(hits.get('/stall')).toBe(1);
    const waiting = new AbortController();
    const p = fetchWithRetry(`${base}/always-500`, {
      backoff: { initialMs: 60_000 },
      signal: waiting.signal,
      onRetry: () => setTimeout(() => waiting.abort(), 20),
    });
    expect((await failure(p)).kind).toBe('aborted');
  });

  it('a body reader streams the chunks; its own errors pass through unchanged, without retry', async () => {
    let chunks = 0;
    const r = await fetchWithRetry(`${base}/ok`, {
      read: async (body, info) => {
        expect(info.totalBytes).toBe(BODY.length);
        let n = 0;
        for await (const c of body) {
          chunks++;
          n += c.length;
        }
        return n;
      },
    });
    expect(r.body).toBe(BODY.length);
    expect(chunks).toBeGreaterThan(0);
    class Mismatch extends Error {}
    await expect(
      fetchWithRetry(`${base}/ok`, {
        read: async () => {
          throw new Mismatch('checksum');
        },
      }),
    ).rejects.toBeInstanceOf(Mismatch);
    expect(hits.get('/ok')).toBe(2);
    // a reader that wraps our fault still gets the retry
    const dropped = await fetchWithRetry(`${base}/drop`, {
      ...quick,
      read: async (body) => {
        try {
          let n = 0;
          for await (const c of body) n += c.length;
          return n;
        } catch (e) {
          throw new Error(`wrapped: ${(e as Error).message}`);
        }
      },
    });
    expect(dropped).toMatchObject({ body: BODY.length, attempts: 2 });
  });

  it('refuses bad options with a typed error naming the option', async () => {
    await expect(fetchWithRetry(`${base}/ok`, { retries: 1.5 })).rejects.toThrow(
      new FetchOptionError('retries', 'must be an integer in [0, 100], got 1.5'),
    );
    await expect(fetchWithRetry(`${base}/ok`, { idleTimeoutMs: 0 })).rejects.toThrow(FetchOptionError);
    // Infinity would overflow the timer to 1 ms: refused, not an instant timeout
    await expect(fetchWithRetry(`${base}/ok`, { timeoutMs: Number.POSITIVE_INFINITY })).rejects.toThrow(
      /timeoutMs/,
    );
    await expect(fetchWithRetry(`${base}/ok`, { idleTimeoutMs: Number.NaN })).rejects.toThrow(
      /idleTimeoutMs/,
    );
    await expect(fetchWithRetry(`${base}/ok`, { backoff: { factor: 0.5 } })).rejects.toThrow(
      /backoff.factor/,
    );
    expect(hits.size).toBe(0);
  });
});

describe('backoff', () => {
  const err = new FetchError({ url: 'u', kind: 'network', attempt: 1, maxAttempts: 4, detail: 'x' });
  it('exponential, capped, with equal jitter from an injectable (seeded) source', () => {
    const rng = new SeededRandom(7);
    const a = [1, 2, 3, 4, 5].map((k) =>
      retryDelayMs(k, err, undefined, { backoff: { initialMs: 100, maxMs: 1000, random: () => rng.next() } }),
    );
    const rng2 = new SeededRandom(7);
    const b = [1, 2, 3, 4, 5].map((k) =>
      retryDelayMs(k, err, undefined, {
        backoff: { initialMs: 100, maxMs: 1000, random: () => rng2.next() },
      }),
    );
    expect(a).toEqual(b);
    const bases = [100, 200, 400, 800, 1000];
    a.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(bases[i]! / 2);
      expect(d).toBeLessThan(bases[i]!);
    });
    expect(retryDelayMs(3, err, undefined, { backoff: { initialMs: 100, random: () => 0 } })).toBe(200);
    expect(retryDelayMs(1, err, undefined, { backoff: (k) => k * 7 })).toBe(7);
    expect(() => retryDelayMs(1, err, undefined, { backoff: () => Number.NaN })).toThrow(FetchOptionError);
    expect(retryDelayMs(1, err, 5000, { maxRetryAfterMs: 1000 })).toBe(1000);
  });
  it('Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
  });
});
