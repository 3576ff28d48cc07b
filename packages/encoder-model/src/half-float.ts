// IEEE 754 binary16 ("half", safetensors `F16`) ⇄ float32, bit-exact: decoding is exact, encoding
// rounds to nearest, ties to even (what numpy's astype(float16) and torch's .half() do).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float value of a binary16 bit pattern (`h` in [0, 0xffff]). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * The binary16 bit pattern nearest to `x` (as float32 first), ties to even. Values beyond
 * ±65504 (after rounding) become ±Infinity, tiny ones ±0 or subnormals, NaN stays NaN.
 */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15; // the half exponent field
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half: value / 2^-24 = (1.mant) · 2^(e - 14 + 10)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // a carry out of the mantissa correctly bumps the exponent (up to Infinity)
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}
