import type { RawEncoding } from './encoding.js';

/**
 * Recently encoded long sequences (passages are often encoded many times, once per question):
 * type id + text → untouched encoding, cloned on use. Bounded (least recently used out first).
 */
export class SequenceCache {
  private readonly entries = new Map<string, RawEncoding>();

  constructor(
    /** Most sequences held. */
    readonly size = 64,
    /** Shorter texts are not cached (encoding them is cheaper than the copy). */
    readonly minChars = 256,
  ) {}

  /** The encoding of `text` as sequence `typeId`, from the cache or from `encode` (then kept). */
  get(text: string, typeId: number, encode: () => RawEncoding): RawEncoding {
    if (text.length < this.minChars) return encode();
    const key = `${typeId}\u0000${text}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // move to the back (most recent)
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.clone();
    }
    const e = encode();
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, e.clone());
    return e;
  }

  clear(): void {
    this.entries.clear();
  }
}
