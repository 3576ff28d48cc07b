import { describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from './errors.js';
import { floatToHalf, halfToFloat } from './half-float.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

describe('binary16 conversion', () => {
  it('round-trips every finite half bit pattern exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      const back = floatToHalf(halfToFloat(h));
      // -0 and +0 keep their sign bits
      if (back !== h) expect.fail(`0x${h.toString(16)} → ${halfToFloat(h)} → 0x${back.toString(16)}`);
    }
  });

  it('matches known encodings (numpy float16)', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(0.1)).toBe(0x2e66);
    expect(floatToHalf(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(floatToHalf(2 ** -14)).toBe(0x0400); // smallest normal
    expect(floatToHalf(65520)).toBe(0x7c00); // rounds up past the largest half → Infinity
    expect(floatToHalf(Number.NaN) & 0x7fff).toBeGreaterThan(0x7c00);
    expect(floatToHalf(2 ** -26)).toBe(0); // below half the smallest subnormal
  });

  it('rounds to nearest, ties to even', () => {
    const ulp = 2 ** -10;
    expect(floatToHalf(1 + ulp / 2)).toBe(0x3c00); // tie → even (1.0)
    expect(floatToHalf(1 + (3 * ulp) / 2)).toBe(0x3c02); // tie → even (1 + 2 ulp)
    expect(floatToHalf(1 + ulp / 2 + 2 ** -20)).toBe(0x3c01); // above the tie → up
    expect(floatToHalf(1 + ulp / 2 - 2 ** -20)).toBe(0x3c00); // below the tie → down
    expect(floatToHalf(1.5 * 2 ** -24)).toBe(0x0002); // subnormal tie → even
    expect(floatToHalf(2.5 * 2 ** -24)).toBe(0x0002);
    expect(floatToHalf(2047 * 2 ** -11 + 2 ** -12)).toBe(0x3c00); // carry into the exponent
  });
});

describe('writeSafetensors dtype F16', () => {
  it('writes F16 that reads back within half precision, at half the size', () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    const f32 = writeSafetensors({ w: { shape: [10, 100], data } });
    const f16 = writeSafetensors({ w: { shape: [10, 100], data } }, undefined, { dtype: 'F16' });
    expect(f32.byteLength - f16.byteLength).toBeGreaterThanOrEqual(2000 - 8);
    const back = readSafetensors(f16).get('w');
    expect(back?.dtype).toBe('F16');
    for (let i = 0; i < data.length; i++) {
      expect(back?.data[i]).toBe(halfToFloat(floatToHalf(data[i])));
      expect(Math.abs((back?.data[i] ?? 0) - data[i])).toBeLessThanOrEqual(
        Math.abs(data[i]) * 2 ** -11 + 1e-7,
      );
    }
  });

  it('refuses values that do not fit F16 and unknown dtypes, naming the tensor', () => {
    const t = { big: { shape: [2], data: Float32Array.of(1, 70000) } };
    expect(() => writeSafetensors(t, undefined, { dtype: 'F16' })).toThrow(SafetensorsFormatError);
    expect(() => writeSafetensors(t, undefined, { dtype: 'F16' })).toThrow(/tensor big: element 1 = 70000/);
    expect(() =>
      writeSafetensors({ n: { shape: [1], data: Float32Array.of(Number.NaN) } }, undefined, { dtype: 'F16' }),
    ).toThrow(/tensor n/);
    expect(() => writeSafetensors(t, undefined, { dtype: 'BF16' as 'F16' })).toThrow(
      /dtype must be F32 or F16/,
    );
  });
});
