import type { RawEncoding } from '../encoding.js';

/** Adds special tokens / type ids around one or two encoded sequences. */
export interface PostProcessor {
  /** Number of tokens added for a single sequence or a pair. */
  addedTokens(isPair: boolean): number;
  /** Returns the pieces to merge, in order (HF `process_encodings`). */
  processEncodings(encodings: RawEncoding[], addSpecialTokens: boolean): RawEncoding[];
  toJSON(): Record<string, unknown>;
}
