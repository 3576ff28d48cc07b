// Property/fuzz tests of the JSONL log reader: every input — random bytes, random text, valid logs
// with damage (cut, bytes spliced in, invalid UTF-8, huge lines, deep nesting) — ends in a result
// or a TrainingLogError within a time bound; never a hang, a crash or another error.
// Short run in `npx vitest run`; SELFEVO_FUZZ_RUNS=<n> (and SELFEVO_FUZZ_SEED) for a long one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingLogError } from './errors.js';
import { JsonlLogWriter, parseJsonlLog, readJsonlLog } from './jsonl-log.js';
import type { LogRecord } from './types.js';

const longRuns = Number(process.env.SELFEVO_FUZZ_RUNS) || 0;
const runs = (short: number) => (longRuns > 0 ? longRuns : short);
const seed = Number(process.env.SELFEVO_FUZZ_SEED) || 0x5e1f;
/** Each input must be handled within this (generous: 2 shared cores). */
const TIME_BOUND_MS = 2000;

/** `f()` returns records or throws a TrainingLogError, within the time bound; the records are sane. */
async function endsWell(f: () => LogRecord[] | Promise<LogRecord[]>): Promise<void> {
  const t0 = performance.now();
  let out: LogRecord[] | undefined;
  try {
    out = await f();
  } catch (err) {
    if (!(err instanceof TrainingLogError)) throw err;
    expect(err.message).toMatch(/^\S.*: /); // names the source (and line)
  }
  expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
  for (const r of out ?? []) {
    expect(Number.isSafeInteger(r.step) && r.step >= 0).toBe(true);
    for (const value of Object.values(r)) expect(value === null || typeof value !== 'object').toBe(true);
  }
}

const encoder = new TextEncoder();

/** A record as the trainer writes it. */
const record = fc
  .record({
    type: fc.constantFrom('train' as const, 'eval' as const),
    step: fc.nat({ max: 1_000_000 }),
    epoch: fc.double({ min: 0, max: 100, noNaN: true }),
    elapsed_ms: fc.nat(),
    loss: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
  })
  // (as JSON round-trips it: -0 reads back as 0)
  .map((r) => JSON.parse(JSON.stringify(r)) as LogRecord);

type DamageValue = typeof damage extends fc.Arbitrary<infer T> ? T : never;

/** Damage done to a valid log's bytes. */
const damage = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('badUtf8' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0x80, max: 0xff }),
  }),
  fc.record({ kind: fc.constant('hugeLine' as const), size: fc.integer({ min: 2 ** 19, max: 2 ** 21 }) }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 1000, max: 200_000 }) }),
  fc.record({ kind: fc.constant('none' as const) }),
);

/** The parts, one after the other. */
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function applyDamage(bytes: Uint8Array, d: DamageValue): Uint8Array {
  const at = 'at' in d ? d.at % (bytes.length + 1) : 0;
  switch (d.kind) {
    case 'cut':
      return bytes.subarray(0, at);
    case 'splice':
      return concat(bytes.subarray(0, at), d.bytes, bytes.subarray(at));
    case 'badUtf8':
      return concat(bytes.subarray(0, at), Uint8Array.of(d.byte), bytes.subarray(at));
    case 'hugeLine':
      return concat(bytes, encoder.encode(`{"step":1,"x":"${'a'.repeat(d.size)}"}\n`));
    case 'deep':
      return concat(bytes, encoder.encode(`${'['.repeat(d.depth)}${']'.repeat(d.depth)}\n`));
    default:
      return bytes;
  }
}

describe('JSONL log reader under hostile input (fast-check)', () => {
  it('random bytes: a result or a TrainingLogError, in time', async () => {
    const line = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 64 }).map((s) => encoder.encode(s)),
      fc.jsonValue({ maxDepth: 3 }).map((j) => encoder.encode(JSON.stringify(j))),
    );
    const log = fc.array(line, { maxLength: 20 }).map((ls) => {
      const parts = ls.flatMap((l) => [...l, 0x0a]);
      return Uint8Array.from(parts);
    });
    await fc.assert(
      fc.asyncProperty(log, (bytes) => endsWell(() => parseJsonlLog(bytes, 'fuzz.jsonl'))),
      { numRuns: runs(300), seed },
    );
  });

  it('random text: a result or a TrainingLogError, in time', async () => {
    const text = fc.array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.jsonValue({ maxDepth: 4 }).map((j) => JSON.stringify(j)),
        fc
          .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
          .map((o) => JSON.stringify({ step: 1, ...o })),
      ),
      { maxLength: 20 },
    );
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), (lines, finalNewline) =>
        endsWell(() => parseJsonlLog(lines.join('\n') + (finalNewline ? '\n' : ''), 'fuzz.jsonl')),
      ),
      { numRuns: runs(300), seed },
    );
  });

  it('valid logs with damage (cut, spliced bytes, invalid UTF-8, huge lines, deep nesting); intact ones read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 30 }), damage, async (records, d) => {
        const bytes = encoder.encode(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        const damaged = applyDamage(bytes, d);
        await endsWell(() => parseJsonlLog(damaged, 'fuzz.jsonl'));
        if (d.kind === 'none') expect(parseJsonlLog(damaged, 'fuzz.jsonl')).toEqual(records);
        if (d.kind === 'hugeLine' && d.size > 2 ** 20)
          expect(() => parseJsonlLog(damaged, 'fuzz.jsonl')).toThrow(/over the 1048576-byte limit/);
        // a cut only loses the partial last line: every complete record before it reads back
        if (d.kind === 'cut') {
          const complete = new TextDecoder().decode(damaged).split('\n').length - 1;
          expect(parseJsonlLog(damaged, 'fuzz.jsonl')).toEqual(records.slice(0, complete));
        }
      }),
      { numRuns: runs(150), seed },
    );
  });

  describe('files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'selfevo-jsonl-fuzz-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('readJsonlLog and truncateAfter on damaged files: a result or a TrainingLogError, in time; truncation keeps what it should', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(record, { maxLength: 20 }),
          damage,
          fc.nat({ max: 1_000_000 }),
          async (records, d, k) => {
            const file = join(dir, `log-${n++}.jsonl`);
            const damaged = applyDamage(
              encoder.encode(records.map((r) => `${JSON.stringify(r)}\n`).join('')),
              d,
            );
            await writeFile(file, damaged);
            await endsWell(() => readJsonlLog(file));
            const w = new JsonlLogWriter(file);
            const t0 = performance.now();
            try {
              await w.truncateAfter(k);
              if (d.kind === 'none')
                expect(await readJsonlLog(file)).toEqual(records.filter((r) => r.step <= k));
            } catch (err) {
              if (!(err instanceof TrainingLogError)) throw err;
            }
            expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
            await rm(file, { force: true });
          },
        ),
        { numRuns: runs(40), seed },
      );
    });
  });
});
