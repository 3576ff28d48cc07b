import type { EncodeOptions } from './encode-options.js';
import type { RawEncoding } from './encoding.js';
import { PaddingError } from './errors.js';

/** Padding settings of one encode call, resolved from the options or from tokenizer.json. */
export interface PaddingConfig {
  /** 'longest': to the longest encoding of the batch; 'max_length': to `maxLength`. */
  strategy: 'longest' | 'max_length';
  maxLength?: number;
  side: 'right' | 'left';
  /** Round the padded length up to a multiple of this. */
  multiple?: number;
  padId: number;
  padTypeId: number;
  padToken: string;
}

/** The tokenizer's pad token, if it has one. */
export interface PadToken {
  id: number;
  token: string;
}

/** The `padding` block of a tokenizer.json (HF names), applied when the call does not say otherwise. */
export function paddingFromJSON(j: any, o: EncodeOptions): PaddingConfig {
  return {
    strategy: j.strategy === 'BatchLongest' ? 'longest' : 'max_length',
    maxLength: j.strategy?.Fixed !== undefined ? j.strategy.Fixed : o.maxLength,
    side: j.direction === 'Left' ? 'left' : 'right',
    multiple: j.pad_to_multiple_of ?? undefined,
    padId: j.pad_id,
    padTypeId: j.pad_type_id ?? 0,
    padToken: j.pad_token,
  };
}

/**
 * The padding of one call: the call's options, else the tokenizer.json block (`fromJson`), else none.
 * `padToken` is asked only when padding is requested. Throws a `PaddingError` naming the bad option.
 */
export function paddingConfig(
  o: EncodeOptions,
  fromJson: unknown,
  padToken: () => PadToken | undefined,
): PaddingConfig | null {
  if (o.padding === undefined && fromJson) return paddingFromJSON(fromJson, o);
  if (!o.padding) return null;
  const strategy = o.padding === true ? 'longest' : o.padding;
  if (strategy !== 'longest' && strategy !== 'max_length')
    throw new PaddingError(`unknown padding strategy ${JSON.stringify(o.padding)}`);
  const { maxLength, padToMultipleOf: multiple } = o;
  if (strategy === 'max_length' && (maxLength === undefined || !Number.isInteger(maxLength) || maxLength < 0))
    throw new PaddingError("padding 'max_length' needs a non-negative integer `maxLength`");
  if (multiple !== undefined && (!Number.isInteger(multiple) || multiple <= 0))
    throw new PaddingError('`padToMultipleOf` must be a positive integer');
  const pad = padToken();
  if (pad === undefined) throw new PaddingError('padding requested but the tokenizer has no pad token');
  return {
    strategy,
    maxLength,
    side: o.paddingSide ?? 'right',
    multiple,
    padId: pad.id,
    padTypeId: 0,
    padToken: pad.token,
  };
}

/** The length every encoding of the batch is padded to. */
export function paddedLength(lengths: readonly number[], p: PaddingConfig): number {
  let target = 0;
  if (p.strategy === 'max_length') target = p.maxLength!;
  else for (const n of lengths) target = Math.max(target, n);
  if (p.multiple !== undefined && target % p.multiple !== 0) target += p.multiple - (target % p.multiple);
  return target;
}

/** Pad every encoding of the batch (and its overflow windows) in place. */
export function padEncodings(encs: RawEncoding[], p: PaddingConfig): void {
  const target = paddedLength(
    encs.map((e) => e.length),
    p,
  );
  for (const e of encs) e.pad(target, p.padId, p.padTypeId, p.padToken, p.side);
}
