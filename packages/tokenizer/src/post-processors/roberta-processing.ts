import type { RawEncoding } from '../encoding.js';
import { wrapWithSpecialTokens } from './bert-processing.js';
import { trimByteLevelOffsets } from './byte-level-processing.js';
import type { PostProcessor } from './post-processor.js';

/** <s> A </s> (</s> B </s>), with byte-level offset trimming. */
export class RobertaProcessing implements PostProcessor {
  constructor(
    readonly sep: [string, number],
    readonly cls: [string, number],
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
  ) {}
  addedTokens(isPair: boolean): number {
    return isPair ? 4 : 2;
  }
  processEncodings(encodings: RawEncoding[], addSpecialTokens: boolean): RawEncoding[] {
    if (this.trimOffsets) for (const e of encodings) trimByteLevelOffsets(e, this.addPrefixSpace);
    if (!addSpecialTokens) return encodings;
    return encodings.map((e, i) => {
      const before: Array<[string, number]> = i === 0 ? [this.cls] : [this.sep];
      // RoBERTa has no segment embeddings: every type id is 0
      const w = wrapWithSpecialTokens(e, before, [this.sep], 0, i);
      w.overflowing = e.overflowing.map((o) => wrapWithSpecialTokens(o, before, [this.sep], 0, i));
      return w;
    });
  }
  toJSON(): Record<string, unknown> {
    return {
      type: 'RobertaProcessing',
      sep: this.sep,
      cls: this.cls,
      trim_offsets: this.trimOffsets,
      add_prefix_space: this.addPrefixSpace,
    };
  }
}
