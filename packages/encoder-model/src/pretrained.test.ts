import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, HubDownloadError, MissingParametersError } from './errors.js';
import { BertForMaskedLM, BertForSequenceClassification } from './heads.js';
import { BertModel } from './model.js';
import type { DownloadProgress } from './pretrained.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { fixturesDir } from './test-paths.js';

const tiny = join(fixturesDir, 'tiny-bert');
// Every folder this file creates (saved models, hub caches) is inside `work`, removed at the end
// whether the tests pass or fail.
const work = mkdtempSync(join(tmpdir(), 'selfevo-pretrained-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let server: Server;
let endpoint = '';
const hits: string[] = [];
/**
 * How the hub answers for a repo (`org/<repo>`): serve the fixture files (`ok`), never answer
 * (`stall`), stall or answer 503 on the first request of each file then serve (`stall-once`,
 * `503-once`), send an HTML error page with status 200 for the weights (`html`), cut the weights
 * short of their content-length (`truncated`), or announce a sha256 ETag (`etag`, `etag-wrong`).
 */
type Behaviour = 'ok' | 'stall' | 'stall-once' | '503-once' | 'html' | 'truncated' | 'etag' | 'etag-wrong';
const behaviour = new Map<string, Behaviour>([['tiny-bert', 'ok']]);
const seen = new Set<string>();
const stalled: import('node:http').ServerResponse[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const m = /^\/org\/([\w.-]+)\/resolve\/main\/([\w.]+)$/.exec(req.url ?? '');
    const mode = m ? behaviour.get(m[1]) : undefined;
    const file = m ? join(tiny, m[2]) : '';
    const first = !seen.has(req.url ?? '');
    seen.add(req.url ?? '');
    if (mode === 'stall' || (mode === 'stall-once' && first)) {
      stalled.push(res); // never answered (closed at the end)
      return;
    }
    if (mode === '503-once' && first) {
      res.writeHead(503).end('busy');
      return;
    }
    if (!m || !mode || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const data = readFileSync(file);
    const weights = m[2] === 'model.safetensors';
    if (mode === 'html' && weights) {
      const page = '<!DOCTYPE html><html><body>502 Bad Gateway (proxy)</body></html>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': page.length }).end(page);
      return;
    }
    if (mode === 'truncated' && weights) {
      res.writeHead(200, { 'content-length': data.length });
      res.write(data.subarray(0, 1000), () => res.destroy());
      return;
    }
    const headers: Record<string, string | number> = { 'content-length': data.length };
    if ((mode === 'etag' || mode === 'etag-wrong') && weights) {
      const sha = createHash('sha256').update(data).digest('hex');
      headers['x-linked-etag'] =
        `"${mode === 'etag' ? sha : sha.replace(/^./, (c) => (c === '0' ? '1' : '0'))}"`;
    }
    res.writeHead(200, headers).end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  endpoint = `http://127.0.0.1:${addr.port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      server.close(() => r());
    }),
);

describeEachBackend('fromPretrained / savePretrained', () => {
  it('loads a local folder; savePretrained reads back bit-identical', async () => {
    const { model, report } = await BertForSequenceClassification.fromPretrained(tiny, { strict: false });
    expect(report.missing).toEqual([]);
    expect(report.unexpected.sort()).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.dense.weight',
    ]);
    const out = join(mkdtempSync(join(work, 'save-')), 'saved');
    await model.savePretrained(out, { tokenizerDir: tiny });
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg.architectures).toEqual(['BertForSequenceClassification']);
    expect(cfg.hidden_act).toBe('gelu');
    const back = await BertForSequenceClassification.fromPretrained(out);
    for (const [name, v] of model.namedParameters()) {
      const w = back.model.namedParameters().get(name)!;
      expect(new Uint8Array((w.dataSync() as Float32Array).buffer)).toEqual(
        new Uint8Array((v.dataSync() as Float32Array).buffer),
      );
    }
    const original = readSafetensors(readFileSync(join(tiny, 'model.safetensors')));
    expect(new Uint8Array(original.get('classifier.weight')!.data.buffer)).toEqual(
      new Uint8Array(
        (back.model.namedParameters().get('classifier.weight')!.dataSync() as Float32Array).buffer,
      ),
    );
    model.dispose();
    back.model.dispose();
  });

  it('strict loading lists missing, unexpected and wrong-shaped parameters', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const w = readSafetensors(readFileSync(join(tiny, 'model.safetensors')));
    w.delete('bert.encoder.layer.1.output.dense.bias');
    w.set('bert.extra.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    w.set('bert.pooler.dense.bias', { dtype: 'F32', shape: [3], data: new Float32Array(3) });
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(w));
    writeFileSync(join(dir, 'config.json'), readFileSync(join(tiny, 'config.json')));
    const before = tf.memory().numTensors;
    const err = await BertModel.fromPretrained(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingParametersError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/missing \(1\): bert\.encoder\.layer\.1\.output\.dense\.bias/);
    expect(msg).toMatch(/wrong shape \(1\): bert\.pooler\.dense\.bias: file \[3\] vs model \[32\]/);
    expect(msg).toMatch(/bert\.extra\.weight/);
    expect(tf.memory().numTensors).toBe(before); // nothing left behind on failure
    const { model, report } = await BertModel.fromPretrained(dir, { strict: false });
    expect(report.missing).toEqual(['bert.encoder.layer.1.output.dense.bias']);
    expect(report.mismatched.length).toBe(1);
    model.dispose();
  });
});

describe('hub download (local HTTP server on 127.0.0.1)', () => {
  it('downloads config, weights and tokenizer files into the cache with progress, once', async () => {
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    const events: DownloadProgress[] = [];
    const { model, dir } = await BertForMaskedLM.fromPretrained('org/tiny-bert', {
      endpoint,
      cacheDir,
      strict: false,
      onProgress: (p) => events.push(p),
    });
    expect(readdirSync(dir).sort()).toEqual(['.complete', 'config.json', 'model.safetensors', 'vocab.txt']);
    const done = events.filter((e) => e.done).map((e) => e.file);
    expect(done).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    const last = events.filter((e) => e.file === 'model.safetensors').pop()!;
    expect(last.loaded).toBe(last.total);
    const n = hits.length;
    const again = await BertForMaskedLM.fromPretrained('org/tiny-bert', {
      endpoint,
      cacheDir,
      strict: false,
      onProgress: false,
    });
    expect(hits.length).toBe(n); // served from the cache
    const a = model.namedParameters().get('cls.predictions.bias')!;
    expectAllClose(again.model.namedParameters().get('cls.predictions.bias')!, a, 0);
    model.dispose();
    again.model.dispose();
  });

  it('prints download progress to stderr by default', async () => {
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    const lines: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const { model } = await BertModel.fromPretrained('org/tiny-bert', {
        endpoint,
        cacheDir,
        strict: false,
      });
      model.dispose();
    } finally {
      process.stderr.write = orig;
    }
    const text = lines.join('');
    expect(text).toMatch(/model\.safetensors/);
    expect(text).toMatch(/model\.safetensors: done, \d+ bytes in|model\.safetensors \[/);
  });

  it('HF_ENDPOINT env is honoured and a missing repo is a clear HubDownloadError', async () => {
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    process.env.HF_ENDPOINT = endpoint;
    try {
      const err = await BertModel.fromPretrained('org/nope', { cacheDir, onProgress: false }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HubDownloadError);
      expect((err as Error).message).toMatch(/org\/nope\/resolve\/main\/config\.json → HTTP 404/);
    } finally {
      delete process.env.HF_ENDPOINT;
    }
    const bad = await BertModel.fromPretrained('../etc', { cacheDir }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HubDownloadError);
  });

  /** Options that keep the fault tests short: 300 ms idle timeout, 2 retries 10 ms apart. */
  const quick = {
    idleTimeoutMs: 300,
    retries: 2,
    backoff: { initialMs: 10, maxMs: 20 },
    onProgress: false,
  } as const;

  /** What the cache holds for a repo (every file, temp files included), or [] when no folder. */
  const cached = (cacheDir: string, repo: string) => {
    const d = join(
      cacheDir,
      endpoint.replace(/^https?:\/\//, '').replace(/[^\w.-]+/g, '_'),
      `org--${repo}`,
      'main',
    );
    return existsSync(d) ? readdirSync(d).sort() : [];
  };

  it('a stalled server is given up on after the idle timeout and the retries (not waited on for minutes)', async () => {
    behaviour.set('stalled', 'stall');
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    const t0 = Date.now();
    const err = await BertModel.fromPretrained('org/stalled', { endpoint, cacheDir, ...quick }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(HubDownloadError);
    expect((err as Error).message).toMatch(/org\/stalled\/resolve\/main\/config\.json.*idle timeout.*3 of 3/);
    expect(hits.filter((h) => h.startsWith('/org/stalled/')).length).toBe(3);
    expect(cached(cacheDir, 'stalled')).toEqual([]);
  }, 20_000);

  for (const mode of ['stall-once', '503-once'] as const)
    it(`retries with backoff when the first answer ${mode === 'stall-once' ? 'stalls' : 'is HTTP 503'}`, async () => {
      behaviour.set(mode, mode);
      const cacheDir = mkdtempSync(join(work, 'hub-'));
      const { model } = await BertModel.fromPretrained(`org/${mode}`, {
        endpoint,
        cacheDir,
        strict: false,
        ...quick,
      });
      expect(cached(cacheDir, mode)).toEqual(['.complete', 'config.json', 'model.safetensors', 'vocab.txt']);
      model.dispose();
    }, 20_000);

  it('an HTML error page with status 200 is refused and never cached; a later good answer is', async () => {
    behaviour.set('flaky', 'html');
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    const err = await BertModel.fromPretrained('org/flaky', { endpoint, cacheDir, ...quick }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HubDownloadError);
    expect((err as Error).message).toMatch(/model\.safetensors.*HTML/);
    expect(cached(cacheDir, 'flaky')).toEqual(['config.json']); // verified files only, no marker, no temp file
    behaviour.set('flaky', 'ok');
    const { model } = await BertModel.fromPretrained('org/flaky', {
      endpoint,
      cacheDir,
      strict: false,
      ...quick,
    });
    expect(cached(cacheDir, 'flaky')).toEqual(['.complete', 'config.json', 'model.safetensors', 'vocab.txt']);
    model.dispose();
  });

  it('a body cut short of its content-length is retried, then refused, leaving no partial file', async () => {
    behaviour.set('truncated', 'truncated');
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    const err = await BertModel.fromPretrained('org/truncated', { endpoint, cacheDir, ...quick }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HubDownloadError);
    expect((err as Error).message).toMatch(
      /model\.safetensors.*(received \d+ of \d+ bytes|connection lost after \d+ bytes).*3 of 3/,
    );
    expect(cached(cacheDir, 'truncated')).toEqual(['config.json']);
  });

  it('checks the sha256 the hub announces (X-Linked-Etag) before caching', async () => {
    behaviour.set('etag', 'etag');
    behaviour.set('etag-wrong', 'etag-wrong');
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    const { model } = await BertModel.fromPretrained('org/etag', {
      endpoint,
      cacheDir,
      strict: false,
      ...quick,
    });
    model.dispose();
    const err = await BertModel.fromPretrained('org/etag-wrong', { endpoint, cacheDir, ...quick }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HubDownloadError);
    expect((err as Error).message).toMatch(
      /model\.safetensors.*sha256 [0-9a-f]{64}.*hub announced [0-9a-f]{64}/,
    );
    expect(cached(cacheDir, 'etag-wrong')).toEqual(['config.json']);
  });

  it('a cached file that no longer verifies (poisoned by an older version) is downloaded again', async () => {
    const cacheDir = mkdtempSync(join(work, 'hub-'));
    const first = await BertModel.fromPretrained('org/tiny-bert', {
      endpoint,
      cacheDir,
      strict: false,
      ...quick,
    });
    first.model.dispose();
    writeFileSync(join(first.dir, 'model.safetensors'), '<!DOCTYPE html><html>error</html>');
    writeFileSync(join(first.dir, '.complete'), new Date().toISOString()); // the old marker format
    const stale = '.model.safetensors.4194999.0123456789ab.tmp'; // left by a killed process
    writeFileSync(join(first.dir, stale), 'partial');
    const again = await BertModel.fromPretrained('org/tiny-bert', {
      endpoint,
      cacheDir,
      strict: false,
      ...quick,
    });
    expect(readFileSync(join(again.dir, 'model.safetensors'))).toEqual(
      readFileSync(join(tiny, 'model.safetensors')),
    );
    expect(readdirSync(again.dir)).not.toContain(stale);
    again.model.dispose();
  });

  const badNames: [string, Record<string, unknown>, RegExp][] = [
    ['org/..', {}, /org\/\.\./],
    ['org/a--b', {}, /org\/a--b/],
    ['-org/name', {}, /-org\/name/],
    ['org/name/extra', {}, /org\/name\/extra/],
    ['org/name.git', {}, /name\.git/],
    [`org/${'x'.repeat(97)}`, {}, /"org\/x{70,}/], // shown shortened
    ['org/tiny-bert', { revision: '../../../etc' }, /revision.*"\.\.\/\.\.\/\.\.\/etc"/],
    ['org/tiny-bert', { revision: 'main/.hidden' }, /revision/],
    ['org/tiny-bert', { revision: '' }, /revision/],
    ['org/tiny-bert', { endpoint: 'file:///etc' }, /endpoint.*http/],
    ['org/tiny-bert', { endpoint: 'not a url' }, /endpoint/],
    ['org/tiny-bert', { token: 'abc\r\nX-Evil: 1' }, /token/],
  ];
  for (const [id, opts, msg] of badNames)
    it(`refuses ${JSON.stringify(id)} ${JSON.stringify(opts)} before any request or folder`, async () => {
      const cacheDir = mkdtempSync(join(work, 'hub-'));
      const n = hits.length;
      const err = await BertModel.fromPretrained(id, { endpoint, cacheDir, ...quick, ...opts }).catch(
        (e: unknown) => e,
      );
      expect(err instanceof HubDownloadError || err instanceof ConfigError).toBe(true);
      expect((err as Error).message).toMatch(msg);
      expect(hits.length).toBe(n);
      expect(readdirSync(cacheDir)).toEqual([]);
    });
});

describe('local folders with a bad config.json (ConfigError naming the file)', () => {
  const cases: [string, string, RegExp][] = [
    ['null', 'null', /must be a JSON object, got null/],
    ['an array', '[1, 2]', /must be a JSON object/],
    ['not JSON', '{"vocab_size": ', /not valid JSON/],
    ['an impossible value', JSON.stringify({ vocab_size: 189, hidden_size: -32 }), /hidden_size .*got -32/],
  ];
  for (const [what, text, msg] of cases)
    it(`config.json that is ${what}`, async () => {
      const dir = mkdtempSync(join(work, 'cfg-'));
      writeFileSync(join(dir, 'config.json'), text);
      writeFileSync(join(dir, 'model.safetensors'), readFileSync(join(tiny, 'model.safetensors')));
      const err = await BertModel.fromPretrained(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).file).toBe(join(dir, 'config.json'));
      expect((err as Error).message).toContain(join(dir, 'config.json'));
      expect((err as Error).message).toMatch(msg);
    });
});
