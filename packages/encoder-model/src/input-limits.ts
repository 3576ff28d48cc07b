// Bounds on what one forward pass may allocate, checked from the input shapes before anything is.
// Shapes: B batch, T input length, P prompt length, S = P + T, Pk key/value prefix length.
import type { BertConfig } from './config.js';
import { InvalidInputError, ShapeMismatchError } from './errors.js';

/**
 * Largest number of elements one activation of a forward pass may have: 2^30 (4 GiB of float32,
 * the whole wasm32 address space). Inputs whose ids, hidden states, feed-forward activations,
 * attention scores or MLM logits would exceed it throw `InvalidInputError` (`ERR_INPUT_TOO_LARGE`)
 * before anything is allocated, instead of ending the process out of memory.
 */
export const FORWARD_LIMITS = { maxActivationElements: 2 ** 30 } as const;

/** `InvalidInputError` (code `ERR_INPUT_TOO_LARGE`) when `elements` exceeds the ceiling. */
export function checkElements(what: string, elements: number, detail: string): void {
  const max = FORWARD_LIMITS.maxActivationElements;
  if (!(elements <= max))
    throw new InvalidInputError(
      what,
      `${detail} = ${elements} elements, over the ceiling of ${max} (FORWARD_LIMITS.maxActivationElements)`,
      { code: 'ERR_INPUT_TOO_LARGE' },
    );
}

/**
 * The sequence must fit the position table (RoBERTa: after its padding offset), and the largest
 * activations — hidden / feed-forward [B·S, max(H, F)] and attention scores [B, A, S, Pk + S] —
 * must stay under the element ceiling. `what` names the input the sizes come from.
 */
export function checkForwardSize(
  c: BertConfig,
  s: { B: number; T: number; P: number; Pk: number },
  what: string,
): void {
  const S = s.P + s.T;
  const offset = c.modelType === 'roberta' ? c.padTokenId + 1 : 0;
  if (S + offset > c.maxPositionEmbeddings)
    throw new ShapeMismatchError(
      what,
      `sequence length ${S} exceeds max_position_embeddings ${c.maxPositionEmbeddings}${offset ? ` (minus RoBERTa's offset ${offset})` : ''}`,
    );
  const width = Math.max(c.hiddenSize, c.intermediateSize);
  checkElements(what, s.B * S * width, `activations [B ${s.B} · S ${S}, ${width}]`);
  const A = c.numAttentionHeads;
  checkElements(what, s.B * A * S * (s.Pk + S), `attention scores [B ${s.B}, A ${A}, S ${S}, ${s.Pk + S}]`);
}
