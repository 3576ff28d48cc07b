import { SelfevoError } from '@selfevo/utils';

/**
 * Base class of every error thrown by this package (a `SelfevoError`): `err instanceof TokenizerError`
 * catches any of them; `name` is the concrete class's name.
 */
export class TokenizerError extends SelfevoError {}

/** A tokenizer.json (or component config) is invalid: unknown `type`, missing field, bad value. */
export class TokenizerConfigError extends TokenizerError {}

/** A vocab.txt / vocab.json / merges.txt file is malformed. */
export class VocabFormatError extends TokenizerConfigError {}

/** Truncation cannot be applied as requested (missing pair, max length too short, stride too large). */
export class TruncationError extends TokenizerError {}

/** Padding cannot be applied (no pad token, bad length). */
export class PaddingError extends TokenizerError {}

/** Training input or settings are invalid. */
export class TrainerError extends TokenizerError {}
