import type { TaskName } from '@selfevo/superglue-tasks';

/** Where the official SuperGLUE v2 task zips are published. */
export const OFFICIAL_BASE_URL = 'https://dl.fbaipublicfiles.com/glue/superglue/data/v2/';

/** File name of a task's official zip (`CB.zip`, `AX-b.zip`, …). */
export function archiveName(task: TaskName): string {
  return `${task}.zip`;
}

/**
 * sha256 of the official zips **as far as they are known to us**. Only BoolQ.zip is pinned: its hash
 * (4,118,001 bytes) is recorded in the shared data's SOURCES.md and in independent public scripts.
 * The hashes of the other archives are not known here, and we do not invent them: `downloadTask`
 * refuses those archives unless the caller pins a hash (`{ sha256 }`) or opts in to an unverified
 * download (`{ allowUnverified: true }`, which records the hash it saw beside the cached zip so it
 * can be pinned afterwards). Add a hash here only from a verified source.
 */
export const OFFICIAL_ZIP_SHA256: Readonly<Partial<Record<TaskName, string>>> = {
  BoolQ: '853fbe7922f70c59629f06a39e8d9ca440c3d740e760fd3b87a5ddf3dcba2436',
};

/**
 * sha256 of extracted official files, as recorded in SOURCES.md (for checking a later copy of the
 * files missing from the shared data).
 */
export const OFFICIAL_FILE_SHA256: Readonly<Record<string, string>> = {
  'BoolQ/train.jsonl': '5a0cc1d6cb971a7a177b74bde27b8355de4b0f0e4d86d0a8435ec92cfeb63ba6',
  'BoolQ/val.jsonl': '0c86a5045886e5795fe9052003873f7d94b88ed3028a33007c51d99e44fd66d9',
  'ReCoRD/train.jsonl': 'be40993957aa752d2a355c76fba5b66bae9455a7522158a3b2e1a0f7e6f21b11',
  'ReCoRD/val.jsonl': 'ed228700e8ffc6a5af3209a7faf334c4ea61d4f07e79806b693504e6a7dbafb2',
  'ReCoRD/test.jsonl': '3847abdf4b4f2f37ed18592c8ebf3b36d0295ef5b1b448b2a23b6eaf45386b48',
};
