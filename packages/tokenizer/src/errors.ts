import { SelfevoError } from '@selfevo/utils';

/**
 * Base class of every error thrown by this package (a `SelfevoError`): `err instanceof TokenizerError`
 * catches any of them; `name` is the concrete class's name.
 */
export class TokenizerError extends SelfevoError {}

/**
 * A tokenizer.json (or component config, tokenizer_config.json, special_tokens_map.json) is invalid:
 * not JSON, unknown `type`, missing field, wrong type, value out of bounds. The message names the file
 * and the field (`tokenizer.json: normalizer.normalizers[1].pattern: ...`).
 */
export class TokenizerConfigError extends TokenizerError {}

/** A vocab.txt / vocab.json / merges.txt file is malformed. */
export class VocabFormatError extends TokenizerConfigError {}

/** A short, printable preview of a value for an error message (never throws, never huge). */
export function preview(value: unknown, max = 60): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * A regex pattern of a tokenizer.json can backtrack catastrophically (nested or ambiguous repetition,
 * polynomial backtracking of degree 3 or more, backreferences, too long): refused when the file loads.
 */
export class UnsafePatternError extends TokenizerConfigError {
  constructor(
    readonly where: string,
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`${where}: regex ${preview(pattern)} is refused: ${reason}`);
  }
}

/** A regex from a tokenizer.json would take too long on this input (see `REGEX_STEP_BUDGET`). */
export class PatternBudgetError extends TokenizerError {
  constructor(
    readonly where: string,
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`${where}: regex ${preview(pattern)} not run: ${reason}`);
  }
}

/** Bytes that are not valid UTF-8 (a file, or the bytes given to `Tokenizer.fromBytes`). */
export class TextDecodeError extends TokenizerError {
  constructor(
    readonly file: string,
    readonly byteOffset: number,
  ) {
    super(`${file}: invalid UTF-8 at byte ${byteOffset}`);
  }
}

/** An argument of `encode` / `encodeBatch` / `decode` has the wrong type. */
export class TokenizerInputError extends TokenizerError {}

/** Truncation cannot be applied as requested (missing pair, max length too short, stride too large). */
export class TruncationError extends TokenizerError {}

/** Padding cannot be applied (no pad token, pad token not in the vocabulary, bad length). */
export class PaddingError extends TokenizerError {}

/** Training input or settings are invalid. */
export class TrainerError extends TokenizerError {}
