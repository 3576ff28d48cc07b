/** Turns tokens back into text (HF `decode_chain` + join). */
export interface Decoder {
  decodeChain(tokens: string[]): string[];
  toJSON(): Record<string, unknown>;
}

export function decodeTokens(d: Decoder | null, tokens: string[]): string {
  return d === null ? tokens.join(' ') : d.decodeChain(tokens).join('');
}
