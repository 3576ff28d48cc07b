// Property/fuzz tests of the safetensors reader: random bytes, structured hostile headers (lying
// header lengths, negative / fractional / huge offsets, wrong dtypes, shapes whose product
// overflows, duplicate keys, deep JSON) and damaged valid files each end in a result or a
// SafetensorsFormatError within a time bound — never a hang, a crash or another error; what is
// accepted tiles the data buffer exactly and round-trips.
// Short run in `npx vitest run`; SELFEVO_FUZZ_RUNS=<n> (and SELFEVO_FUZZ_SEED) for a long one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from './errors.js';
import { readSafetensors, readSafetensorsHeader, type SafeTensor, writeSafetensors } from './safetensors.js';
import { findDuplicateKey } from './safetensors-header.js';

const longRuns = Number(process.env.SELFEVO_FUZZ_RUNS) || 0;
const runs = (short: number) => (longRuns > 0 ? longRuns : short);
/** A long run may take its time (each input is still held to TIME_BOUND_MS). */
const timeout = longRuns > 0 ? 3_600_000 : undefined;
const seed = Number(process.env.SELFEVO_FUZZ_SEED) || 0x5afe;
/** Each input must be handled within this (generous: 2 shared cores). */
const TIME_BOUND_MS = 1000;
const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** `readSafetensors(bytes)` returns or throws SafetensorsFormatError in time; accepted files are sane. */
function endsWell(bytes: Uint8Array): Map<string, SafeTensor> | undefined {
  const t0 = performance.now();
  let out: Map<string, SafeTensor> | undefined;
  try {
    out = readSafetensors(bytes);
  } catch (err) {
    if (!(err instanceof SafetensorsFormatError)) throw err;
    expect(err.message).toMatch(/^invalid safetensors: \S/);
  }
  expect(performance.now() - t0).toBeLessThan(TIME_BOUND_MS);
  if (out) {
    const { entries, dataStart } = readSafetensorsHeader(bytes);
    let covered = 0;
    for (const e of entries) {
      const t = out.get(e.name)!;
      expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
      expect(t.data.length * BYTES[e.dtype]).toBe(e.end - e.begin);
      covered += e.end - e.begin;
    }
    expect(dataStart + covered).toBe(bytes.byteLength); // the ranges tile the data buffer exactly
  }
  return out;
}

/** A file: 8-byte little-endian header length (possibly lying), the header text, the data. */
function file(header: string, data: Uint8Array, claimedLength?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  const n = claimedLength ?? json.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32) % 2 ** 32, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const hostileNumber = fc.oneof(
  fc.nat({ max: 64 }),
  fc.integer({ min: -64, max: -1 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e308, -0, 0.5),
  fc.constant(null),
  fc.string({ maxLength: 3 }),
);
const dtype = fc.oneof(
  fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'U8', 'BOOL', 'f32', '', '__proto__'),
  fc.string({ maxLength: 5 }),
  hostileNumber,
);
const name = fc.oneof(
  fc.constantFrom('a', 'b', 'w.weight', '__proto__', 'constructor', '__metadata__', 'toString', ''),
  fc.string({ maxLength: 8 }),
);
const entry = fc.record(
  {
    dtype,
    shape: fc.oneof(fc.array(hostileNumber, { maxLength: 4 }), hostileNumber),
    data_offsets: fc.oneof(fc.array(hostileNumber, { maxLength: 3 }), hostileNumber),
  },
  { requiredKeys: [] },
);
/** Entries serialised by hand, so names can repeat (JSON.stringify of an object could not). */
const headerText = fc
  .array(
    fc.tuple(name, fc.oneof(entry, hostileNumber, fc.dictionary(fc.string({ maxLength: 3 }), fc.string()))),
    {
      maxLength: 6,
    },
  )
  .map((pairs) => `{${pairs.map(([k, val]) => `${JSON.stringify(k)}:${JSON.stringify(val)}`).join(',')}}`);

/** A well-formed tensor set (small). */
const tensors = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((n) => n !== '__proto__' && n !== '__metadata__'),
  fc.array(fc.nat({ max: 4 }), { maxLength: 3 }).chain((shape) =>
    fc
      .float32Array({
        minLength: shape.reduce((a, b) => a * b, 1),
        maxLength: shape.reduce((a, b) => a * b, 1),
      })
      .map((data) => ({ shape, data })),
  ),
  { maxKeys: 5 },
);

describe('safetensors reader under random and hostile input (fast-check)', () => {
  it(
    'random bytes: a result or a SafetensorsFormatError, in time',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
          endsWell(bytes);
        }),
        { seed, numRuns: runs(400) },
      );
    },
    timeout,
  );

  it(
    'hostile headers (lying lengths, bad offsets, dtypes, shapes, duplicate names) with random data',
    () => {
      fc.assert(
        fc.property(
          headerText,
          fc.uint8Array({ maxLength: 96 }),
          fc.oneof(fc.constant(undefined), fc.nat(), fc.constantFrom(2 ** 32, 2 ** 53, 100_000_001)),
          (header, data, claimed) => {
            endsWell(file(header, data, claimed));
          },
        ),
        { seed, numRuns: runs(600) },
      );
    },
    timeout,
  );

  it(
    'a header JSON.parse reads with a duplicate name is refused, naming it',
    () => {
      fc.assert(
        fc.property(name, fc.nat({ max: 3 }), (dup, extra) => {
          const e = `{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`;
          const others = Array.from(
            { length: extra },
            (_, i) => `"x${i}":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}`,
          );
          const header = `{${[`${JSON.stringify(dup)}:${e}`, ...others, `${JSON.stringify(dup)}:${e}`].join(',')}}`;
          expect(() => readSafetensors(file(header, new Uint8Array(4)))).toThrow(/duplicate key|forbidden/);
        }),
        { seed, numRuns: runs(100) },
      );
    },
    timeout,
  );

  it(
    'valid files round-trip; every truncation, extension or byte flip of one ends well',
    () => {
      fc.assert(
        fc.property(
          tensors,
          fc.nat(),
          fc.nat({ max: 255 }),
          fc.uint8Array({ minLength: 1, maxLength: 8 }),
          (ts, at, byte, tail) => {
            const bytes = writeSafetensors(ts);
            const back = endsWell(bytes)!;
            expect([...back.keys()].sort()).toEqual(Object.keys(ts).sort());
            for (const [k, t] of Object.entries(ts))
              expect(new Uint8Array(back.get(k)!.data.buffer)).toEqual(new Uint8Array(t.data.buffer));
            const cut = at % bytes.length;
            endsWell(bytes.subarray(0, cut));
            const flipped = bytes.slice();
            flipped[cut] = byte;
            endsWell(flipped);
            const longer = new Uint8Array(bytes.length + tail.length);
            longer.set(bytes);
            longer.set(tail, bytes.length);
            expect(() => readSafetensors(longer)).toThrow(SafetensorsFormatError); // trailing bytes belong to no tensor
          },
        ),
        { seed, numRuns: runs(300) },
      );
    },
    timeout,
  );

  it(
    'deeply nested JSON headers end in an error, not a stack overflow',
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 50_000 }), fc.boolean(), (depth, objects) => {
          const header = objects
            ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
            : `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
          endsWell(file(header, new Uint8Array(0)));
          expect(findDuplicateKey(header)).toBeUndefined();
        }),
        { seed, numRuns: longRuns > 0 ? Math.ceil(longRuns / 10) : 20 },
      );
    },
    timeout,
  );

  it(
    'a 2 MB header of 20k small tensors is read in time (every check is linear)',
    () => {
      const n = 20_000;
      const names = Array.from({ length: n }, (_, i) => `layer.${i}.weight`);
      const header = `{${names.map((k, i) => `"${k}":{"dtype":"F32","shape":[1],"data_offsets":[${4 * i},${4 * i + 4}]}`).join(',')}}`;
      const t0 = performance.now();
      expect(readSafetensors(file(header, new Uint8Array(4 * n))).size).toBe(n);
      expect(performance.now() - t0).toBeLessThan(5000);
    },
    timeout,
  );
});
