import * as v from 'valibot';
import { parseWith, TokenIdSchema } from './config-schema.js';
import { type EncodeOptions, LengthSchema, MAX_PAD_TOKENS, PaddingOptionsSchema } from './encode-options.js';
import type { RawEncoding } from './encoding.js';
import { PaddingError, preview } from './errors.js';

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

/**
 * What a tokenizer.json `padding` block says about the pad token (either may be absent); the
 * tokenizer checks them against its vocabulary.
 */
export interface PadTokenRequest {
  id?: number;
  token?: string;
}

/**
 * Finds the pad token: from `request` (a tokenizer.json block) or the tokenizer's own. Returns
 * undefined when there is none; throws a `PaddingError` when the one named is not in the vocabulary.
 */
export type PadTokenResolver = (request?: PadTokenRequest) => PadToken | undefined;

/** The `padding` block of a tokenizer.json (HF field names; lengths bounded by `MAX_LENGTH`). */
export const PaddingJsonSchema = v.looseObject({
  strategy: v.nullish(
    v.union([v.literal('BatchLongest'), v.looseObject({ Fixed: LengthSchema })]),
    'BatchLongest',
  ),
  direction: v.nullish(v.picklist(['Left', 'Right']), 'Right'),
  pad_to_multiple_of: v.nullish(v.pipe(LengthSchema, v.minValue(1))),
  pad_id: v.nullish(TokenIdSchema),
  pad_type_id: v.nullish(TokenIdSchema, 0),
  pad_token: v.nullish(v.string()),
});

function requirePad(pad: PadToken | undefined): PadToken {
  if (pad === undefined) throw new PaddingError('padding requested but the tokenizer has no pad token');
  return pad;
}

/**
 * The `padding` block of a tokenizer.json (HF names), applied when the call does not say otherwise.
 * Its `pad_token` / `pad_id` must be a token of the vocabulary (checked by `padToken`): padding with
 * an id that stands for another token is a `PaddingError`, not a silent 0.
 */
export function paddingFromJSON(j: unknown, o: EncodeOptions, padToken: PadTokenResolver): PaddingConfig {
  const c = parseWith(PaddingJsonSchema, j, 'tokenizer.json: padding', PaddingError);
  const fixed = c.strategy === 'BatchLongest' ? undefined : c.strategy.Fixed;
  const maxLength = fixed ?? parseWith(PaddingOptionsSchema, o, 'encode options', PaddingError).maxLength;
  const pad = requirePad(padToken({ id: c.pad_id ?? undefined, token: c.pad_token ?? undefined }));
  return {
    strategy: fixed === undefined ? 'longest' : 'max_length',
    maxLength,
    side: c.direction === 'Left' ? 'left' : 'right',
    multiple: c.pad_to_multiple_of ?? undefined,
    padId: pad.id,
    padTypeId: c.pad_type_id,
    padToken: pad.token,
  };
}

/**
 * The padding of one call: the call's options, else the tokenizer.json block (`fromJson`), else none.
 * `padToken` is asked only when padding is requested. Throws a `PaddingError` naming the bad option.
 */
export function paddingConfig(
  o: EncodeOptions,
  fromJson: unknown,
  padToken: PadTokenResolver,
): PaddingConfig | null {
  if (o.padding === undefined && fromJson) return paddingFromJSON(fromJson, o, padToken);
  if (!o.padding) return null;
  const strategy = o.padding === true ? 'longest' : o.padding;
  if (strategy !== 'longest' && strategy !== 'max_length')
    throw new PaddingError(`unknown padding strategy ${preview(o.padding)}`);
  if (strategy === 'max_length' && o.maxLength === undefined)
    throw new PaddingError("padding 'max_length' needs a non-negative integer `maxLength`");
  const c = parseWith(PaddingOptionsSchema, o, 'encode options', PaddingError);
  const pad = requirePad(padToken());
  return {
    strategy,
    maxLength: c.maxLength,
    side: c.paddingSide,
    multiple: c.padToMultipleOf,
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

/** How padding reads and changes one kind of encoding (RawEncoding, PackedEncoding). */
export interface PadAccess<E> {
  /** Token count before padding. */
  length(e: E): number;
  windows(e: E): readonly E[];
  /** Pad `e` and its windows to `target` tokens. */
  pad(e: E, target: number, p: PaddingConfig): void;
}

const RAW: PadAccess<RawEncoding> = {
  length: (e) => e.length,
  windows: (e) => e.overflowing,
  pad: (e, target, p) => e.pad(target, p.padId, p.padTypeId, p.padToken, p.side),
};

/** Pad tokens that padding `encs` (and their overflow windows) to `target` adds. */
function padTokenCount<E>(encs: readonly E[], target: number, a: PadAccess<E>): number {
  let n = 0;
  for (const e of encs) n += Math.max(0, target - a.length(e)) + padTokenCount(a.windows(e), target, a);
  return n;
}

/**
 * Pad every encoding of the batch (and its overflow windows) in place. More than `MAX_PAD_TOKENS`
 * pad tokens in all is a `PaddingError`, raised before anything is allocated.
 */
export function padEncodings<E = RawEncoding>(
  encs: E[],
  p: PaddingConfig,
  a: PadAccess<E> = RAW as unknown as PadAccess<E>,
): void {
  const target = paddedLength(
    encs.map((e) => a.length(e)),
    p,
  );
  const added = padTokenCount(encs, target, a);
  if (added > MAX_PAD_TOKENS)
    throw new PaddingError(
      `padding to ${target} tokens would add ${added} pad tokens to this batch (at most ${MAX_PAD_TOKENS})`,
    );
  for (const e of encs) a.pad(e, target, p);
}
