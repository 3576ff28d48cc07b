import type { NormalizedString } from '../normalized-string.js';

/** A normalizer edits a NormalizedString in place, keeping its alignments. */
export interface Normalizer {
  normalize(ns: NormalizedString): void;
  toJSON(): Record<string, unknown>;
}
