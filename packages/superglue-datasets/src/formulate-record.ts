import { DEFAULT_MAX_LENGTH } from './formulate-pair.js';
import type { FormulateOptions, RecordExample } from './formulated-example.js';
import { inputsOf, sequenceCharRange } from './token-spans.js';
import type { EncodingLike, TokenizerLike } from './tokenizer-contract.js';
import type { RecordRecord } from './types.js';

export const DEFAULT_RECORD_STRIDE = 128;

export interface RecordCandidate {
  text: string;
  /** Occurrences as `[start, end)` character ranges (converted from the inclusive official `end`). */
  spans: [number, number][];
}

/** The distinct entity texts of a passage, in order of first mention, with all their occurrences. */
export function recordCandidates(record: RecordRecord): RecordCandidate[] {
  const byText = new Map<string, RecordCandidate>();
  for (const e of record.passage.entities) {
    const text = record.passage.text.slice(e.start, e.end + 1);
    const c = byText.get(text);
    if (c) c.spans.push([e.start, e.end + 1]);
    else byText.set(text, { text, spans: [[e.start, e.end + 1]] });
  }
  return [...byText.values()];
}

/** The query with `@placeholder` replaced by the entity. */
export function fillPlaceholder(query: string, entity: string): string {
  return query.replace(/@placeholder/g, entity);
}

/**
 * ReCoRD: per query, per distinct candidate entity, (passage, query with `@placeholder` filled).
 * A passage longer than the window is split into windows of `maxLength` tokens overlapping by
 * `stride` tokens (the tokenizer's overflow, truncating only the passage). A candidate is paired
 * with the windows that contain one of its mentions in full (all windows if none does, e.g. an
 * entity longer than the window overlap). Score each example; a candidate's score is the max over
 * its windows, and the prediction for `group` (query idx) is the `candidate` with the highest score.
 * `label` is 1 when the candidate equals a gold answer text.
 */
export function formulateRecord(
  record: RecordRecord,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): RecordExample[] {
  const candidates = recordCandidates(record);
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const stride = options.stride ?? DEFAULT_RECORD_STRIDE;
  const out: RecordExample[] = [];
  for (const qa of record.qas) {
    const gold = qa.answers ? new Set(qa.answers.map((a) => a.text)) : undefined;
    candidates.forEach((candidate, candidateIndex) => {
      const enc = tokenizer.encode(record.passage.text, fillPlaceholder(qa.query, candidate.text), {
        truncation: 'only_first',
        maxLength,
        stride,
      });
      const windows: EncodingLike[] = [enc, ...enc.overflowing];
      const ranges = windows.map((w) => sequenceCharRange(w, 0));
      let chosen = windows
        .map((_, i) => i)
        .filter((i) => {
          const r = ranges[i];
          return r !== null && r !== undefined && candidate.spans.some(([s, e]) => s >= r[0] && e <= r[1]);
        });
      if (chosen.length === 0) chosen = windows.map((_, i) => i);
      for (const w of chosen) {
        const win = windows[w]!;
        out.push({
          kind: 'record',
          task: 'ReCoRD',
          idx: { passage: record.idx, query: qa.idx },
          group: qa.idx,
          candidate: candidate.text,
          candidateIndex,
          window: w,
          windowCount: windows.length,
          ...inputsOf(win),
          truncated: false,
          ...(gold === undefined ? {} : { label: gold.has(candidate.text) ? 1 : 0 }),
        });
      }
    });
  }
  return out;
}
