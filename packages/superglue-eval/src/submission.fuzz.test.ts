// Property/fuzz tests of the submission parser and validator and of the gold JSONL reader: random
// records, random and hostile lines (deep JSON, huge values, invalid labels), random and damaged
// zips (lying sizes and CRCs, bombs, junk) — each ends in a result or a typed error (SelfevoError)
// within a time bound; the parser never throws for bad content, and every problem names its file.
// Short run in `npx vitest run`; SELFEVO_FUZZ_RUNS=<n> (and SELFEVO_FUZZ_SEED) for a long one.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { submissionFileName, TASKS } from '@selfevo/superglue-tasks';
import { SelfevoError } from '@selfevo/utils';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldFromRecords } from './data/gold.js';
import { parseJsonl } from './data/jsonl.js';
import { DataFormatError } from './errors.js';
import { parseSubmissionFile } from './submission/parse.js';
import { validateSubmission } from './submission/validate.js';

const longRuns = Number(process.env.SELFEVO_FUZZ_RUNS) || 0;
const runs = (short: number) => (longRuns > 0 ? longRuns : short);
const seed = Number(process.env.SELFEVO_FUZZ_SEED) || 0xe7a1;
const TIME_BOUND_MS = 3000;

let root: string;
let noData: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-sub-fuzz-'));
  noData = join(root, 'no-data'); // no reference files: format checks only (fast)
  await mkdir(noData);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const task = fc.constantFrom(...TASKS);
const label = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    'True',
    'False',
    'entailment',
    'not_entailment',
    'neutral',
    'contradiction',
    0,
    1,
    true,
    false,
    null,
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const idx = fc.oneof(
  fc.integer({ min: -5, max: 5000 }),
  fc.string({ maxLength: 6 }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);
const record = fc.oneof(
  fc.record({ idx, label }),
  fc.record({
    idx,
    passage: fc.record({
      questions: fc.array(
        fc.record({ idx, answers: fc.array(fc.record({ idx, label }), { maxLength: 4 }) }),
        { maxLength: 3 },
      ),
    }),
  }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
);
const line = fc.oneof(
  { weight: 6, arbitrary: record.map((r) => JSON.stringify(r)) },
  {
    weight: 1,
    arbitrary: fc.nat({ max: 50_000 }).map((d) => `{"idx":${'['.repeat(d)}${']'.repeat(d)},"label":1}`),
  },
  {
    weight: 1,
    arbitrary: fc.nat({ max: 50_000 }).map((d) => `{"idx":1,"label":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`),
  },
  { weight: 1, arbitrary: fc.nat({ max: 300_000 }).map((k) => `{"idx":2,"label":"${'x'.repeat(k)}"}`) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '\r', '{', '}', 'null', '[]', '{"idx":1e999}', '\uFEFF{"idx":0}'),
  },
);
const text = fc.array(line, { maxLength: 30 }).map((lines) => lines.join('\n'));

function bounded<T>(f: () => T): T {
  const t0 = performance.now();
  const out = f();
  expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
  return out;
}

describe('submission parser under fuzzing', () => {
  it('random and hostile lines: problems naming the file and line, never a throw', () => {
    fc.assert(
      fc.property(task, text, fc.integer({ min: 100, max: 400_000 }), (t, body, maxLineLength) => {
        const parsed = bounded(() => parseSubmissionFile(t, body, 'x.jsonl', { maxLineLength }));
        for (const p of parsed.problems) {
          expect(p.file).toBe('x.jsonl');
          expect(p.message.length).toBeLessThan(1000);
          if (p.value !== undefined) expect(p.value.length).toBeLessThan(200);
        }
        expect(parsed.entries.length + parsed.problems.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: runs(200), seed },
    );
  });

  it('gold JSONL: records or a DataFormatError naming file and line', () => {
    fc.assert(
      fc.property(task, text, fc.boolean(), (t, body, requireLabels) => {
        bounded(() => {
          try {
            goldFromRecords(t, parseJsonl(body, 'g.jsonl'), 'g.jsonl', { requireLabels });
          } catch (err) {
            if (!(err instanceof DataFormatError)) throw err;
            expect(err.file).toBe('g.jsonl');
          }
        });
      }),
      { numRuns: runs(200), seed },
    );
  });
});

const files = fc.dictionary(
  fc.oneof(fc.constantFrom(...TASKS.map(submissionFileName)), fc.string({ maxLength: 12 })),
  fc.oneof(
    text.map((t) => strToU8(t)),
    fc.uint8Array({ maxLength: 300 }),
  ),
  { maxKeys: 6 },
);
const damage = fc.array(fc.record({ at: fc.nat(), byte: fc.nat({ max: 255 }) }), { maxLength: 6 });

describe('submission validator under fuzzing', () => {
  it('random and damaged zips: a report or a typed error, within the time bound', async () => {
    await fc.assert(
      fc.asyncProperty(files, damage, fc.boolean(), async (fs, ds, asFolder) => {
        const path = join(root, `s${n++}${asFolder ? '' : '.zip'}`);
        if (asFolder) {
          await mkdir(path);
          for (const [name, bytes] of Object.entries(fs)) {
            if (/^[A-Za-z0-9._-]+$/.test(name) && name !== '.' && name !== '..')
              await writeFile(join(path, name), bytes);
          }
        } else {
          let zip: Uint8Array;
          try {
            zip = zipSync(fs).slice();
          } catch {
            return; // fflate would not build it
          }
          for (const d of ds) zip[d.at % zip.length] = d.byte;
          await writeFile(path, zip);
        }
        const t0 = performance.now();
        try {
          const report = await validateSubmission(path, noData, { split: 'val' });
          expect(report.tasks).toHaveLength(10);
        } catch (err) {
          if (!(err instanceof SelfevoError)) throw err;
        }
        expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
      }),
      { numRuns: runs(120), seed },
    );
  });

  it('zip bombs and lying headers among the files are refused, typed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TASKS.map(submissionFileName)),
        fc.integer({ min: 2, max: 8 }),
        fc.nat(),
        async (name, mib, lie) => {
          const zip = zipSync({ [name]: new Uint8Array(mib << 20) }, { level: 1 }).slice();
          const view = new DataView(zip.buffer);
          if (lie % 2 === 1) {
            for (let at = 0; at + 30 < zip.length; at++) {
              if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, lie % 5000, true);
            }
          }
          const path = join(root, `bomb${n++}.zip`);
          await writeFile(path, zip);
          const err = await validateSubmission(path, noData, { split: 'val' }).then(
            () => undefined,
            (e) => e,
          );
          expect(err).toBeInstanceOf(SelfevoError);
        },
      ),
      { numRuns: runs(10), seed },
    );
  });
});
