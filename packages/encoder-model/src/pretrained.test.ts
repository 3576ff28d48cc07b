import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend, expectAllClose } from '@selfevo/backend/test';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubDownloadError, MissingParametersError } from './errors.js';
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
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const m = /^\/org\/tiny-bert\/resolve\/main\/([\w.]+)$/.exec(req.url ?? '');
    const file = m ? join(tiny, m[1]) : '';
    if (!m || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const data = readFileSync(file);
    res.writeHead(200, { 'content-length': data.length }).end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  endpoint = `http://127.0.0.1:${addr.port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

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
    expect(text).toMatch(/model\.safetensors: 0\.1\/0\.1 MB done|model\.safetensors \[/);
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
});
