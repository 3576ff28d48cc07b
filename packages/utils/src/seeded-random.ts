/** The whole state of a `SeededRandom`: four uint32 words and the cached second normal sample. */
export interface SeededRandomState {
  s: number[];
  spareNormal: number | null;
}

/**
 * A small seeded pseudo-random generator (xoshiro128**) whose whole state is four uint32 words,
 * so it can be saved in a checkpoint and resumed exactly. Same seed, same sequence, on every
 * backend and platform (it is plain integer arithmetic).
 */
export class SeededRandom {
  private s: Uint32Array;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed))
      throw new RangeError(`SeededRandom: seed must be a finite number, got ${seed}`);
    this.s = new Uint32Array(4);
    // splitmix32 expands the seed into the four state words.
    let x = seed >>> 0 || 0x9e3779b9;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Next uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /**
   * Fill `out` with the next `out.length` values of the stream: the same 32 bits as that many
   * `nextUint32()` calls, stored as signed int32 (`x | 0`). The state stays in locals and the
   * values in V8's small-integer range, so this is several times faster for the millions of draws
   * a dropout mask needs.
   */
  fillInt32(out: Int32Array): Int32Array {
    const st = this.s;
    let s0 = st[0] | 0;
    let s1 = st[1] | 0;
    let s2 = st[2] | 0;
    let s3 = st[3] | 0;
    for (let i = 0; i < out.length; i++) {
      const x = Math.imul(s1, 5);
      out[i] = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    return out;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    if (!(n > 0) || !Number.isInteger(n))
      throw new RangeError(`SeededRandom.nextInt: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A derived generator for a sub-stream (e.g. per worker or per epoch), deterministic in (state, key). */
  fork(key: number): SeededRandom {
    return new SeededRandom((this.s[0] ^ Math.imul(key + 1, 0x9e3779b1)) >>> 0);
  }

  /** The full state, JSON-serialisable. */
  getState(): SeededRandomState {
    return { s: Array.from(this.s), spareNormal: this.spareNormal };
  }

  /** Restore a state from `getState()`. */
  setState(state: SeededRandomState): void {
    if (!Array.isArray(state?.s) || state.s.length !== 4)
      throw new TypeError('SeededRandom.setState: expected { s: number[4] }');
    this.s = Uint32Array.from(state.s);
    this.spareNormal = state.spareNormal ?? null;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
