// The options of `fromPretrained` / `resolvePretrained`, and the names that become URLs and cache
// paths (hub ids, revisions, file names), checked by one valibot schema before any request is
// made or any folder created. Allow-lists follow the Hugging Face hub's own rules.
import type { BackoffOptions } from '@selfevo/utils';
import * as v from 'valibot';
import { ConfigError, HubDownloadError, showValue } from './errors.js';

export interface DownloadProgress {
  file: string;
  loaded: number;
  /** Bytes expected (content-length), or undefined when the server does not say. */
  total?: number;
  done: boolean;
}

export interface PretrainedOptions {
  /** Throw on missing / unexpected / wrong-shaped tensors (default true); false: report them. */
  strict?: boolean;
  /** Seed for the init of anything not in the file, and for dropout. */
  seed?: number;
  /** Hub base URL, http(s) (default `$HF_ENDPOINT` or https://huggingface.co). */
  endpoint?: string;
  /** Branch, tag or commit (default `main`): `[\w.-]` components separated by `/`. */
  revision?: string;
  /** Cache folder (default `$SELFEVO_HUB_CACHE`, else `$HF_HOME/selfevo-hub`, else ~/.cache/selfevo/hub). */
  cacheDir?: string;
  /** Bearer token for private repos (default `$HF_TOKEN`). */
  token?: string;
  /** Download progress; default: `createProgress` on stderr (a bar on a TTY). `false` silences it. */
  onProgress?: ((p: DownloadProgress) => void) | false;
  /** Fetch implementation (default global fetch). */
  fetch?: typeof fetch;
  /** Abort a download attempt when no byte arrived for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Longest time one download attempt may take (default 1 h). */
  timeoutMs?: number;
  /** Retries of a file after network faults, timeouts, truncation, HTTP 5xx / 429 (default 3). */
  retries?: number;
  /** Backoff between attempts (default 0.5 s doubling to 30 s, with jitter). */
  backoff?: BackoffOptions;
}

const ms = (name: string) =>
  v.optional(
    v.pipe(
      v.number(`${name} must be a number of milliseconds in [1, 2^31 - 1]`),
      v.minValue(1, `${name} must be a number of milliseconds in [1, 2^31 - 1]`),
      v.maxValue(2 ** 31 - 1, `${name} must be a number of milliseconds in [1, 2^31 - 1]`),
    ),
  );

const fn = (message: string) =>
  v.custom<(...args: never[]) => unknown>((x) => typeof x === 'function', message);

/** Every option of `PretrainedOptions` (unknown options are kept: callers pass model options too). */
export const PRETRAINED_OPTIONS_SCHEMA = v.looseObject({
  strict: v.optional(v.boolean('must be a boolean')),
  seed: v.optional(v.pipe(v.number('must be a finite number'), v.finite('must be a finite number'))),
  endpoint: v.optional(v.string('must be an http(s) URL')),
  revision: v.optional(v.string('must be a branch, tag or commit name')),
  cacheDir: v.optional(v.pipe(v.string('must be a folder path'), v.minLength(1, 'must be a folder path'))),
  token: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.regex(/^[\x21-\x7e]*$/, 'must be printable ASCII without spaces or line breaks'),
    ),
  ),
  onProgress: v.optional(v.union([v.literal(false), fn('')], 'must be a function or false')),
  fetch: v.optional(fn('must be a fetch function')),
  idleTimeoutMs: ms('idleTimeoutMs'),
  timeoutMs: ms('timeoutMs'),
  retries: v.optional(
    v.pipe(
      v.number('must be an integer in [0, 100]'),
      v.integer('must be an integer in [0, 100]'),
      v.minValue(0, 'must be an integer in [0, 100]'),
      v.maxValue(100, 'must be an integer in [0, 100]'),
    ),
  ),
  backoff: v.optional(v.looseObject({}, 'must be an object { initialMs, maxMs, factor }')),
});

/** `opts` checked by the schema: `ConfigError` naming the option and its value. */
export function checkPretrainedOptions(opts: unknown): PretrainedOptions {
  if (opts === undefined) return {};
  const r = v.safeParse(PRETRAINED_OPTIONS_SCHEMA, opts, { abortEarly: true });
  if (!r.success) {
    const issue = r.issues[0];
    const field = issue.path?.map((p) => String(p.key)).join('.');
    throw new ConfigError(issue.message, { field: field ?? 'options', value: issue.input });
  }
  return opts as PretrainedOptions;
}

// HF `validate_repo_id`: [\w.-] with a word character first and last, at most 96 characters,
// optional `namespace/`, no `--` or `..`, no `.git` suffix.
const REPO_PART = /^\w(?:[\w.-]{0,94}\w)?$/;

/** `org/name` or `name` by the hub's rules, else `HubDownloadError` naming it. */
export function checkRepoId(id: string): void {
  const parts = id.split('/');
  const ok =
    parts.length <= 2 &&
    parts.every((p) => REPO_PART.test(p)) &&
    !id.includes('--') &&
    !id.includes('..') &&
    !id.endsWith('.git');
  if (!ok)
    throw new HubDownloadError(
      `${showValue(id)} is neither a local folder nor a hub id like org/name ([A-Za-z0-9_.-], at most 96 per part, no "--", ".." or ".git")`,
    );
}

// Git ref components of [\w.-] (none starting with `.`), separated by single `/`: branches, tags,
// `refs/pr/1`, 40-hex commits.
const REVISION = /^(?!.*\.\.)[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/;

/** A revision by the allow-list (≤ 255 characters), else `ConfigError` naming it. */
export function checkRevision(revision: string): void {
  if (revision.length > 255 || !REVISION.test(revision))
    throw new ConfigError(
      'must be a branch, tag or commit: [A-Za-z0-9_.-] parts separated by "/", none starting with "." (≤ 255 characters)',
      { field: 'revision', value: revision },
    );
}

/** The endpoint as a base URL without a trailing `/`: http(s), no query or fragment. */
export function checkEndpoint(endpoint: string): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash)
    throw new ConfigError('must be an http(s) URL without query or fragment', {
      field: 'endpoint',
      value: endpoint,
    });
  return endpoint.replace(/\/+$/, '');
}

/** A file name inside a repo (`config.json`, `vocab.txt`): one `[\w.-]` component, not hidden. */
export function checkRepoFile(file: string): void {
  if (!/^[\w-][\w.-]*$/.test(file) || file.length > 255)
    throw new HubDownloadError(`file name ${showValue(file)} is not a plain [A-Za-z0-9_.-] name`);
}
