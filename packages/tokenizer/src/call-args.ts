import type { EncodeOptions } from './encode-options.js';
import { preview, TokenizerInputError } from './errors.js';

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';

/**
 * The arguments of `encode` / `encodeBatch`: each input a string or a [string, string] pair, options
 * an object whose `addSpecialTokens` is a boolean. Otherwise a `TokenizerInputError` naming them
 * (the other options are checked by truncation.ts and padding.ts).
 */
export function checkEncodeArgs(call: string, inputs: unknown, options: unknown): void {
  if (!Array.isArray(inputs))
    throw new TokenizerInputError(`${call}: expected an array of inputs, got ${preview(inputs)}`);
  inputs.forEach((x, i) => {
    const ok =
      typeof x === 'string' ||
      (Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string');
    if (!ok)
      throw new TokenizerInputError(
        `${call}: input ${i} must be a string or a [string, string] pair, got ${preview(x)}`,
      );
  });
  if (!isObject(options))
    throw new TokenizerInputError(`${call}: options must be an object, got ${preview(options)}`);
  const add = (options as EncodeOptions).addSpecialTokens;
  if (add !== undefined && typeof add !== 'boolean')
    throw new TokenizerInputError(
      `${call} options.addSpecialTokens: expected a boolean, got ${preview(add)}`,
    );
}

/** The arguments of `decode`: an array of numbers and an options object. */
export function checkDecodeArgs(ids: unknown, opts: unknown): void {
  if (!Array.isArray(ids))
    throw new TokenizerInputError(`decode: expected an array of ids, got ${preview(ids)}`);
  for (let i = 0; i < ids.length; i++)
    if (typeof ids[i] !== 'number')
      throw new TokenizerInputError(`decode: ids[${i}] must be a number, got ${preview(ids[i])}`);
  if (!isObject(opts))
    throw new TokenizerInputError(`decode: options must be an object, got ${preview(opts)}`);
  const skip = opts.skipSpecialTokens;
  if (skip !== undefined && typeof skip !== 'boolean')
    throw new TokenizerInputError(
      `decode options.skipSpecialTokens: expected a boolean, got ${preview(skip)}`,
    );
}
