import { TokenizerError } from './errors.js';

/** True when running in Node.js (not a browser or a web worker). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node != null;
}

/**
 * The node-only entry (`@selfevo/tokenizer/node`, ./node/index.ts) for the core's file-based
 * conveniences (`Tokenizer.fromFile`, `save`, ...). The specifier is a variable, so bundlers for the
 * browser do not follow it; outside Node a `TokenizerError` names `what` and the browser way instead.
 * Callers cast the result to the few functions they use.
 */
export async function importNodeEntry(what: string): Promise<unknown> {
  if (!isNode())
    throw new TokenizerError(
      `${what} reads or writes files and needs Node.js; in a browser load from a string, object or bytes ` +
        '(Tokenizer.fromJSON, Tokenizer.fromBytes) and serialize with toJSON()',
    );
  const specifier = './node/index.js';
  return import(specifier);
}
