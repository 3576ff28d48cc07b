import { previewValue } from '@selfevo/superglue-tasks';
import { UnexpectedContentError } from './errors.js';

/** What a downloaded file must look like: a zip archive, or JSON lines. */
export type ExpectedContent = 'zip' | 'jsonl';

const DESCRIPTION: Record<ExpectedContent, string> = {
  zip: 'a zip archive',
  jsonl: 'JSON lines (one object per line)',
};

/** Bytes looked at: enough for a signature or an HTML prologue. */
const HEAD_BYTES = 64;

function startOf(head: Uint8Array): string {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d))
    i++;
  return new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(i));
}

/**
 * The content sanity check of a download whose hash is not known (and of every download, before
 * its hash is): the first bytes must be a zip signature (`PK\3\4`, or `PK\5\6` for an empty
 * archive) or, for JSON lines, a `{`. An HTML or XML page — what a proxy, a login wall or a
 * quota page sends with status 200 — is named as such. Throws `UnexpectedContentError`.
 */
export function checkContentStart(head: Uint8Array, expected: ExpectedContent, source: string): void {
  const text = startOf(head);
  const fail = (reason: string) => {
    throw new UnexpectedContentError(source, DESCRIPTION[expected], reason);
  };
  const what = expected === 'zip' ? 'not a zip archive' : 'not JSON lines';
  if (/^<(!doctype|html|head|body|\?xml|!--)/i.test(text)) {
    fail(`${what}: the server sent an HTML/XML page (starts with ${previewValue(text.slice(0, 40))})`);
  }
  if (head.length === 0) fail(`${what}: the file is empty`);
  if (expected === 'zip') {
    const pk = head[0] === 0x50 && head[1] === 0x4b;
    if (!pk || !((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) {
      fail(`${what} (no zip signature; starts with ${previewValue(text.slice(0, 40))})`);
    }
  } else if (!text.startsWith('{')) {
    fail(`${what} (starts with ${previewValue(text.slice(0, 40))})`);
  }
}

/** Collects the first bytes of a stream and checks them once enough have arrived (or at the end). */
export class HeadCheck {
  private head = new Uint8Array(0);
  private done = false;

  constructor(
    private readonly expected: ExpectedContent | undefined,
    private readonly source: string,
  ) {
    if (expected === undefined) this.done = true;
  }

  push(chunk: Uint8Array): void {
    if (this.done) return;
    const next = new Uint8Array(this.head.length + Math.min(chunk.length, HEAD_BYTES));
    next.set(this.head);
    next.set(chunk.subarray(0, HEAD_BYTES), this.head.length);
    this.head = next;
    if (this.head.length >= HEAD_BYTES) this.end();
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    checkContentStart(this.head, this.expected!, this.source);
  }
}
