// Property/fuzz tests of the JSONL readers: every input — random bytes, official lines with damage
// (cut, bytes spliced in, invalid UTF-8), huge lines, deep JSON, random JSON values — ends in
// records or a typed error naming the file and line, within a time bound; lenient mode always ends
// in a complete report. Never a hang, a crash or another error (TypeError, RangeError, …).
// Short run in `npx vitest run`; SELFEVO_FUZZ_RUNS=<n> (and SELFEVO_FUZZ_SEED) for a long one.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASKS, type TaskName } from '@selfevo/superglue-tasks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuperGlueFormatError } from './errors.js';
import { emptyReport, readTaskFile } from './load-split.js';
import { SUPERGLUE_DATA } from './test-fixtures/data.js';

const longRuns = Number(process.env.SELFEVO_FUZZ_RUNS) || 0;
const runs = (short: number) => (longRuns > 0 ? longRuns : short);
const seed = Number(process.env.SELFEVO_FUZZ_SEED) || 0x5e6a;
/** Each input must be handled within this (generous: 2 shared cores). */
const TIME_BOUND_MS = 3000;

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-jsonl-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A few real lines of every task (the damage is done to these). */
const SAMPLES: Record<string, string[]> = {};
for (const task of TASKS) {
  if (task === 'ReCoRD') continue;
  const file = task.startsWith('AX-') ? `${task}/${task}.jsonl` : `${task}/val.jsonl`;
  SAMPLES[task] = readFileSync(join(SUPERGLUE_DATA, file), 'utf8').split('\n').slice(0, 3);
}
SAMPLES.ReCoRD = readFileSync(join(SUPERGLUE_DATA, 'FewGLUE-sample', 'ReCoRD', 'train.jsonl'), 'utf8')
  .split('\n')
  .slice(0, 2);

const encoder = new TextEncoder();

/** Reads `bytes` as a `task` file both ways; strict: records or a SuperGlueFormatError; lenient: a complete report. */
async function endsWell(task: TaskName, bytes: Uint8Array, maxLineBytes?: number): Promise<void> {
  const file = join(dir, `f${n++}.jsonl`);
  await writeFile(file, bytes);
  const t0 = performance.now();
  try {
    for await (const r of readTaskFile(task, file, { labelled: false, maxLineBytes })) {
      expect(typeof r).toBe('object');
    }
  } catch (err) {
    if (!(err instanceof SuperGlueFormatError)) throw err;
    expect(err.file).toBe(file);
    expect(Number.isInteger(err.line) && err.line >= 1).toBe(true);
    expect(err.message.length).toBeLessThan(2000); // values are previewed, never dumped
  }
  const report = emptyReport(task, file);
  for await (const _ of readTaskFile(task, file, { labelled: false, lenient: true, maxLineBytes }, report)) {
    // drain
  }
  expect(report.complete).toBe(true);
  expect(report.records + report.skipped.length).toBeLessThanOrEqual(report.lines);
  expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
}

const task = fc.constantFrom(...TASKS);

/** Damage done to the bytes of real lines. */
const damage = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('badUtf8' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0x80, max: 0xff }),
  }),
);

interface Damage {
  kind: 'cut' | 'splice' | 'badUtf8';
  at: number;
  bytes?: Uint8Array;
  byte?: number;
}

function damaged(bytes: Uint8Array, d: Damage): Uint8Array {
  const at = bytes.length === 0 ? 0 : d.at % bytes.length;
  if (d.kind === 'cut') return bytes.subarray(0, at);
  if (d.kind === 'splice') {
    const out = new Uint8Array(bytes.length + d.bytes!.length);
    out.set(bytes.subarray(0, at));
    out.set(d.bytes!, at);
    out.set(bytes.subarray(at), at + d.bytes!.length);
    return out;
  }
  const out = bytes.slice();
  if (out.length > 0) out[at] = d.byte!;
  return out;
}

/** Hostile lines: deep nesting, huge strings, random JSON, odd whitespace and BOMs. */
const hostileLine = fc.oneof(
  fc.nat({ max: 50_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.nat({ max: 20_000 }).map((depth) => `{"idx":0,"label":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  fc.nat({ max: 200_000 }).map((len) => `{"premise":"${'x'.repeat(len)}","hypothesis":"h","idx":1}`),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    ' ',
    '\r',
    '\uFEFF{}',
    'null',
    '[]',
    '{"idx":1e400}',
    '{"idx":-0}',
    '{"__proto__":{"idx":1}}',
  ),
);

describe('JSONL readers under fuzzing', () => {
  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(task, fc.uint8Array({ maxLength: 4096 }), async (t, bytes) => endsWell(t, bytes)),
      { numRuns: runs(60), seed },
    );
  });

  it('real lines with damage (cut, spliced bytes, invalid UTF-8)', async () => {
    await fc.assert(
      fc.asyncProperty(task, fc.array(damage, { minLength: 1, maxLength: 4 }), async (t, ds) => {
        let bytes: Uint8Array = encoder.encode(SAMPLES[t]!.join('\n'));
        for (const d of ds) bytes = damaged(bytes, d);
        await endsWell(t, bytes);
      }),
      { numRuns: runs(80), seed },
    );
  });

  it('hostile lines (deep JSON, huge lines, random JSON values) mixed with real ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        task,
        fc.array(fc.oneof(hostileLine, fc.constant('real')), { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: 64, max: 100_000 }), { nil: undefined }),
        async (t, lines, maxLineBytes) => {
          const text = lines
            .map((l, i) => (l === 'real' ? SAMPLES[t]![i % SAMPLES[t]!.length]! : l))
            .join('\n');
          await endsWell(t, encoder.encode(text), maxLineBytes);
        },
      ),
      { numRuns: runs(40), seed },
    );
  });
});
