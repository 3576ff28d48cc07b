import { RawEncoding } from './encoding.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import { TemplateProcessing } from './post-processors/template-processing.js';

/**
 * Template fast path, the same result as HF's merge when at most one side has overflow windows (the
 * usual only_first / only_second / single cases): window k = template(window_k, other sequence).
 * Returns null when the general path is needed.
 */
function templateDirect(
  pp: TemplateProcessing,
  enc: RawEncoding,
  pair: RawEncoding | null,
  addSpecial: boolean,
): RawEncoding | null {
  const aO = enc.overflowing;
  const bO = pair?.overflowing ?? [];
  const flat = aO.every((o) => o.overflowing.length === 0) && bO.every((o) => o.overflowing.length === 0);
  if (!flat || (aO.length > 0 && bO.length > 0)) return null;
  for (const o of aO) o.setSequenceId(0);
  for (const o of bO) o.setSequenceId(1);
  // windows first (they read the untouched sequences), then the main encoding, built in place around
  // enc, which belongs to this call
  const windows =
    aO.length > 0
      ? aO.map((o) => pp.processDirect(pair === null ? [o] : [o, pair], addSpecial, [true, false]))
      : bO.map((o) => pp.processDirect([enc, o], addSpecial, [false, true]));
  enc.overflowing = [];
  const main = pp.processDirect(pair === null ? [enc] : [enc, pair], addSpecial, [], true);
  main.overflowing = windows;
  return main;
}

/**
 * HF `PostProcessor::process`: mark each sequence (and its overflow windows) with its sequence id, add
 * the post-processor's special tokens and merge into one encoding. Without a post-processor the
 * sequences are only merged. `enc` and `pair` belong to the call and may be changed.
 */
export function postProcess(
  pp: PostProcessor | null,
  enc: RawEncoding,
  pair: RawEncoding | null,
  addSpecial: boolean,
): RawEncoding {
  if (pp instanceof TemplateProcessing) {
    const direct = templateDirect(pp, enc, pair, addSpecial);
    if (direct !== null) return direct;
  }
  const encs = pair === null ? [enc] : [enc, pair];
  if (pp !== null) {
    encs.forEach((e, i) => {
      e.setSequenceId(i);
      for (const o of e.overflowing) o.setSequenceId(i);
    });
    return RawEncoding.merge(pp.processEncodings(encs, addSpecial));
  }
  if (pair === null) return enc;
  const out = new RawEncoding();
  encs.forEach((e, i) => {
    e.setSequenceId(i);
    out.mergeWith(e);
  });
  return out;
}
