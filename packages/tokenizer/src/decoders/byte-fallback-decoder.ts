import type { Decoder } from './decoder.js';

export class ByteFallbackDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    const out: string[] = [];
    let pending: number[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const r = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(Uint8Array.from(pending));
      out.push(r);
      pending = [];
    };
    for (const t of tokens) {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
      if (m) pending.push(Number.parseInt(m[1], 16));
      else {
        flush();
        out.push(t);
      }
    }
    flush();
    return out;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'ByteFallback' };
  }
}
