import type { ZipLimits } from '@selfevo/superglue-tasks';

/**
 * What the scorer and the validator read before refusing an input (all overridable through the
 * `limits` option; the CLI uses the defaults). The largest real prediction file, ReCoRD on its
 * train split, is ~100k lines and ~5 MB; a whole submission is a few MB.
 */
export interface InputLimits extends ZipLimits {
  /** Size of one prediction file (default 64 MiB). */
  maxPredictionFileBytes: number;
  /** Lines of one prediction file (default 1,000,000). */
  maxPredictionLines: number;
  /** Length of one line, in UTF-16 code units (default 1 Mi); a longer line is a problem, not parsed. */
  maxLineLength: number;
  /** Problems listed per file (default 1,000); the rest are counted in one summary problem. */
  maxListedProblems: number;
  /** Size of a reference (gold) file (default 1 GiB; ReCoRD train is 136 MB). */
  maxReferenceFileBytes: number;
}

export const DEFAULT_LIMITS: Readonly<InputLimits> = {
  maxPredictionFileBytes: 64 * 1024 ** 2,
  maxPredictionLines: 1_000_000,
  maxLineLength: 1024 ** 2,
  maxListedProblems: 1000,
  maxReferenceFileBytes: 1024 ** 3,
  // a submission zip: ten small files (and maybe some junk such as __MACOSX/ entries)
  maxArchiveBytes: 256 * 1024 ** 2,
  maxEntries: 256,
  maxEntryBytes: 64 * 1024 ** 2,
  maxTotalBytes: 256 * 1024 ** 2,
  maxRatio: 200,
};

/** The defaults with `partial` on top (validate `partial` with `LimitsSchema` first). */
export function resolveLimits(partial: Partial<InputLimits> = {}): InputLimits {
  return { ...DEFAULT_LIMITS, ...partial };
}
