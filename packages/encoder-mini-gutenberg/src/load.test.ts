import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, BertForSequenceClassification } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniGutenbergError } from './errors.js';
import { loadMiniGutenberg } from './load.js';
import { MODEL_FILES } from './model-files.js';
import { loadMiniGutenbergFromDisk, modelDir } from './node.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.SELFEVO_DATA ?? resolve(here, '../../../../shared/data');
const metrics = JSON.parse(await readFile(join(here, '..', 'model', 'metrics.json'), 'utf8'));

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  await useBackend('auto');
  server = createServer(async (req, res) => {
    const name = (req.url ?? '/').replace(/^\/model\//, '');
    if (!(MODEL_FILES as readonly string[]).includes(name)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(await readFile(join(modelDir, name)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model/`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

/** Held-out text the model never trained on: the last lines of gutenberg.valid.txt, as rows of 128. */
async function heldOutRows(tokenizer: { encode: (t: string) => { ids: number[] } }, rows: number) {
  const text = await readFile(join(dataDir, 'corpus', 'gutenberg.valid.txt'), 'utf8');
  const lines = text.split('\n').slice(-4000);
  const ids: number[] = [];
  for (const l of lines) if (l.trim()) ids.push(...tokenizer.encode(l).ids.slice(1, -1));
  const T = 128;
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push([2, ...ids.slice(r * (T - 2), (r + 1) * (T - 2)), 3]);
  return out;
}

describe('@selfevo/encoder-mini-gutenberg', () => {
  it('loads strictly from its installed folder, and its card numbers are the shipped ones', async () => {
    const { model, tokenizer, config } = await loadMiniGutenbergFromDisk(BertForMaskedLM);
    expect(config.model_type).toBe('bert');
    expect(model.config.vocabSize).toBe(tokenizer.getVocabSize());
    expect(tokenizer.encode('The cat sat.').tokens).toEqual(['[CLS]', 'the', 'cat', 'sat', '.', '[SEP]']);
    expect(metrics.final.shipped).toMatch(/^F(16|32)$/);
    model.dispose();
  });

  it('predicts masked words of unseen text better than the unigram reference', async () => {
    const { model, tokenizer } = await loadMiniGutenbergFromDisk(BertForMaskedLM);
    model.setTraining(false);
    const rows = await heldOutRows(tokenizer, 64);
    const mask = tokenizer.tokenToId('[MASK]') as number;
    expect(tokenizer.idToToken(2)).toBe('[CLS]');
    // every 7th content token masked: a fixed, seed-free probe
    const flat: number[] = [];
    const positions: number[] = [];
    const gold: number[] = [];
    for (const [b, row] of rows.entries())
      for (const [t, id] of row.entries()) {
        const masked = t > 0 && t < row.length - 1 && t % 7 === 3;
        flat.push(masked ? mask : id);
        if (masked) {
          positions.push(b * row.length + t);
          gold.push(id);
        }
      }
    const before = tf.memory().numTensors;
    const [pred, nll] = tf.tidy(() => {
      const { logits } = model.forward(
        { inputIds: tf.tensor2d(flat, [rows.length, 128], 'int32'), training: false },
        Int32Array.from(positions),
      ); // [N, V]
      const logp = tf.logSoftmax(logits);
      const goldLogp = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(gold, 'int32'), logits.shape[1])), -1);
      return [tf.argMax(logits, -1), tf.neg(tf.mean(goldLogp))];
    });
    const p = await pred.data();
    const loss = (await nll.data())[0];
    tf.dispose([pred, nll]);
    expect(tf.memory().numTensors).toBe(before);
    const acc = gold.filter((g, i) => p[i] === g).length / gold.length;
    // The frequency-only reference on the same positions: piece counts of 4 MB of training text
    // (add-one smoothing), and "always the most frequent piece".
    const counts = new Float64Array(model.config.vocabSize);
    const text = await readFile(join(dataDir, 'corpus', 'gutenberg.train.00.txt'), 'utf8');
    let total = 0;
    for (const line of text.slice(0, 4_000_000).split('\n'))
      for (const id of tokenizer.encode(line, null, { addSpecialTokens: false }).ids) {
        counts[id]++;
        total++;
      }
    const uniLoss =
      gold.reduce((s, g) => s - Math.log((counts[g] + 1) / (total + counts.length)), 0) / gold.length;
    const top = counts.indexOf(Math.max(...counts));
    const uniAcc = gold.filter((g) => g === top).length / gold.length;
    console.log(
      `probe at [MASK]: loss ${loss.toFixed(3)} (unigram ${uniLoss.toFixed(3)}), accuracy ${(100 * acc).toFixed(1)}% (unigram ${(100 * uniAcc).toFixed(1)}%) over ${gold.length} tokens`,
    );
    // A random or mis-loaded model scores ≈ log V = 9.0 nats, far above the reference; the shipped
    // one is below it on text it never saw (it uses the context, if not much of it: see the card).
    expect(loss).toBeLessThan(uniLoss - 0.1);
    expect(acc).toBeGreaterThan(uniAcc);
    model.dispose();
  });

  it('loads by URL (what a browser does) to the same weights and tokenizer', async () => {
    const disk = await loadMiniGutenbergFromDisk(BertForMaskedLM);
    const seen = new Set<string>();
    const web = await loadMiniGutenberg(BertForMaskedLM, { baseUrl, onProgress: (f) => seen.add(f) });
    expect([...seen].sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const a = disk.model.stateDict();
    const b = web.model.stateDict();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, t] of a) {
      const u = b.get(name)?.data;
      // bit-identical (a plain loop: deep equality on millions of floats is slow)
      let same = u !== undefined && u.length === t.data.length;
      for (let i = 0; same && i < t.data.length; i++) same = Object.is(u?.[i], t.data[i]);
      expect(same, name).toBe(true);
    }
    expect(web.tokenizer.encode('Whereupon he wept.').ids).toEqual(
      disk.tokenizer.encode('Whereupon he wept.').ids,
    );
    disk.model.dispose();
    web.model.dispose();
  });

  it('takes a new task head with strict: false, and names the URL it cannot fetch', async () => {
    const { model } = await loadMiniGutenberg(BertForSequenceClassification, {
      baseUrl,
      strict: false,
      seed: 3,
    });
    expect(model.numLabels).toBe(2);
    model.dispose();
    await expect(loadMiniGutenberg(BertForMaskedLM, { baseUrl: `${baseUrl}missing/` })).rejects.toThrow(
      MiniGutenbergError,
    );
    await expect(loadMiniGutenberg(BertForMaskedLM, { baseUrl: `${baseUrl}missing/` })).rejects.toThrow(
      /missing\/config\.json.*HTTP 404/,
    );
    await expect(loadMiniGutenberg(BertForMaskedLM, { baseUrl: 'not a url' })).rejects.toThrow(/not a URL/);
  });
});
