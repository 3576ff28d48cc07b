// Property/fuzz tests of the zip extraction: random bytes, valid zips with damaged bytes (stated
// sizes, CRCs, offsets, names), and zips with hostile entry names all end in the files written
// inside the target or a typed error (SelfevoError), within a time bound; nothing is ever written
// outside the target and no temp folder is left behind.
// Short run in `npx vitest run`; SELFEVO_FUZZ_RUNS=<n> (and SELFEVO_FUZZ_SEED) for a long one.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { SelfevoError } from '@selfevo/utils';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { extractZip } from './safe-unzip.js';

const longRuns = Number(process.env.SELFEVO_FUZZ_RUNS) || 0;
const runs = (short: number) => (longRuns > 0 ? longRuns : short);
const seed = Number(process.env.SELFEVO_FUZZ_SEED) || 0x21b;
const TIME_BOUND_MS = 3000;

const root = mkdtempSync(join(tmpdir(), 'sg-unzip-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Extracts into a fresh `<box>/out`: files inside `out`, or a SelfevoError; `box` holds nothing else after. */
function endsWell(zip: Uint8Array): void {
  const box = join(root, `box${n++}`);
  const out = join(box, 'out');
  const t0 = performance.now();
  try {
    const r = extractZip(zip, out, { maxEntries: 200, maxTotalBytes: 8 << 20, maxEntryBytes: 4 << 20 });
    for (const f of r.files) expect(relative(out, join(out, f)).startsWith('..')).toBe(false);
  } catch (err) {
    if (!(err instanceof SelfevoError)) throw err;
    expect(existsSync(out)).toBe(false);
  }
  expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
  // nothing but the target itself (when extracted) next to it: no temp folder, no escaped file
  const left = existsSync(box) ? readdirSync(box) : [];
  expect(left.filter((f) => f !== 'out')).toEqual([]);
}

const content = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.string({ maxLength: 500 }).map((s) => strToU8(s)),
  fc.nat({ max: 100_000 }).map((k) => new Uint8Array(k)),
);
const files = fc.dictionary(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}(\/[A-Za-z0-9_.-]{1,8}){0,2}$/), content, {
  minKeys: 1,
  maxKeys: 6,
});
const damage = fc.array(fc.record({ at: fc.nat(), byte: fc.nat({ max: 255 }) }), {
  minLength: 1,
  maxLength: 8,
});

describe('extractZip under fuzzing', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => endsWell(bytes)),
      { numRuns: runs(100), seed },
    );
  });

  it('valid zips with damaged bytes or a cut', () => {
    fc.assert(
      fc.property(
        files,
        damage,
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        (fs, ds, cut, stored) => {
          const zip = zipSync(fs, { level: stored ? 0 : 6 }).slice();
          for (const d of ds) zip[d.at % zip.length] = d.byte;
          endsWell(cut === undefined ? zip : zip.subarray(0, cut % zip.length));
        },
      ),
      { numRuns: runs(120), seed },
    );
  });

  it('damage aimed at the directory and local headers (sizes, CRCs, offsets, name lengths)', () => {
    fc.assert(
      fc.property(files, damage, (fs, ds) => {
        const zip = zipSync(fs).slice();
        // aim at the last ~22 + 46·k bytes (central directory and end record)
        const tail = Math.min(zip.length, 22 + 60 * Object.keys(fs).length);
        for (const d of ds) zip[zip.length - 1 - (d.at % tail)] = d.byte;
        endsWell(zip);
      }),
      { numRuns: runs(120), seed },
    );
  });

  it('hostile entry names', () => {
    const name = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '../x',
        '../../etc/passwd',
        '/abs',
        'C:\\win',
        'a/../../b',
        '..\\x',
        'a\0b',
        '.',
        './',
        '',
        '//',
        'a//b',
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(name, fc.uint8Array({ maxLength: 50 }), { minKeys: 1, maxKeys: 5 }), (fs) => {
        let zip: Uint8Array;
        try {
          zip = zipSync(fs);
        } catch {
          return; // fflate refused to build it
        }
        endsWell(zip);
      }),
      { numRuns: runs(100), seed },
    );
  });
});
