/**
 * The one Hugging Face Hub client of Hearth: the store worker resolves unpinned entries with it
 * and `npm run pin` pins them with it, so both read a host the same way. It speaks to any
 * compatible host (huggingface.co, a mirror, the test host) with plain `fetch` (browser worker
 * or Node), follows `Link` pagination, waits for `Retry-After`, and turns every answer that is
 * not what the API promises into a typed error: `HostError` (a web page or the wrong JSON),
 * `GatedError`, `NotFoundError`, `NetworkError`.
 */
import { TypedError, type GatedError, type HostError, type NetworkError, type NotFoundError } from '../shared/errors';

/** One entry of a repository tree, as the Hub lists it. */
export interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  /** Git blob id (SHA-1 of `"blob <size>\0" + bytes`); for LFS files, of the pointer. */
  oid: string;
  /** LFS files: `oid` is the SHA-256 of the content. */
  lfs?: { oid: string; size: number };
  /** Xet-backed files: a Xet hash (not a SHA-256 of the content). */
  xetHash?: string;
}

/** Who is asking and how: the host, the model it is for (named in errors), and the plumbing. */
export interface HubContext {
  hostUrl: string;
  modelId: string;
  signal?: AbortSignal;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Waits for `Retry-After` before giving up on a rate limit (default 3). */
  rateLimitWaits?: number;
}

/** Longest `Retry-After` we wait for; a longer one fails with the time in the message. */
export const maxRetryAfterMs = 120_000;

export const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);
export const hostOf = (url: string): string => new URL(url).host;

/** `owner/name` as a URL path, each segment escaped; anything else is refused. */
export function repoPath(repo: string): string {
  const parts = repo.split('/');
  if (parts.length !== 2 || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`Expected a repository as owner/name, got ${JSON.stringify(repo)}`);
  }
  return parts.map(encodeURIComponent).join('/');
}

/** URL of one file's bytes at a revision. */
export function resolveUrl(hostUrl: string, repo: string, revision: string, path: string): string {
  return new URL(`${repoPath(repo)}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`, withSlash(hostUrl)).href;
}

/** Milliseconds a 429 or 503 asks us to wait (`Retry-After` seconds or date, or `RateLimit` `t=`). */
export function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const t = /(?:^|;)\s*t=(\d+)/.exec(response.headers.get('ratelimit') ?? '');
  return t ? Number(t[1]) * 1000 : undefined;
}

/** Whether an answer is a web page (a captive portal, a login or error page). */
export function isWebPage(response: Response): boolean {
  return /text\/html|application\/xhtml/i.test(response.headers.get('content-type') ?? '');
}

interface Asked {
  modelId: string;
  url: string;
  /** What was asked for, in words and as a path. */
  path: string;
  repo: string;
}

/** A web page or the wrong JSON where the API or a file should be. */
export function hostError(asked: Asked, response: Response | null, snippet: string, what: string): TypedError<HostError> {
  const host = hostOf(asked.url);
  const contentType = response?.headers.get('content-type') ?? '';
  return new TypedError({
    name: 'HostError',
    message: `${host} is not answering like a Hugging Face model host: it sent ${what} where ${asked.path} should be. A captive portal (Wi-Fi sign-in), a proxy or a wrong model-host address can do this.`,
    modelId: asked.modelId,
    path: asked.path,
    url: asked.url,
    host,
    status: response?.status ?? 0,
    contentType,
    bodySnippet: snippet.slice(0, 200),
  });
}

/** The typed error for an answer that is not ok. */
export async function answerError(asked: Asked, response: Response): Promise<TypedError<GatedError | NotFoundError | NetworkError | HostError>> {
  const code = response.headers.get('x-error-code') ?? '';
  const hostMessage = response.headers.get('x-error-message') ?? undefined;
  const snippet = (await response.text().catch(() => '')).slice(0, 200);
  const host = hostOf(asked.url);
  if (code === 'GatedRepo' || ((response.status === 401 || response.status === 403) && code !== 'RepoNotFound')) {
    return new TypedError({
      name: 'GatedError',
      message: `${asked.repo} on ${host} needs signing in on Hugging Face (it is gated or private). Hearth downloads public models only, without an account.`,
      modelId: asked.modelId,
      repo: asked.repo,
      path: asked.path,
      url: asked.url,
      status: response.status,
      hostMessage,
    });
  }
  if (response.status === 404 || code === 'RepoNotFound' || code === 'EntryNotFound' || code === 'RevisionNotFound') {
    const what = code === 'RepoNotFound' ? `no repository ${asked.repo}` : code === 'RevisionNotFound' ? `no ${asked.path}` : `no ${asked.path} in ${asked.repo}`;
    return new TypedError({ name: 'NotFoundError', message: `${host} has ${what} (${response.status}${code ? ` ${code}` : ''}).`, modelId: asked.modelId, repo: asked.repo, path: asked.path, url: asked.url, code });
  }
  const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response) : undefined;
  const what = response.status === 429 ? ' (too many requests: rate limited)' : isWebPage(response) ? ' (a web page instead of the answer)' : '';
  return new TypedError({
    name: 'NetworkError',
    message: `${host} answered ${response.status}${what} for ${asked.path}.`,
    modelId: asked.modelId,
    path: asked.path,
    url: asked.url,
    status: response.status,
    bodySnippet: snippet,
    retryAfterMs: wait,
  });
}

/** No answer at all (offline, refused, blocked by CORS or the Content-Security-Policy). */
export function unreachable(asked: Asked, error: unknown): TypedError<NetworkError> {
  const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new TypedError({
    name: 'NetworkError',
    message: `Could not reach ${hostOf(asked.url)} for ${asked.path} (${cause}).`,
    modelId: asked.modelId,
    path: asked.path,
    url: asked.url,
    status: 0,
  });
}

/** Waits `ms`, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** GET with the Hub's failure handling: transient failures retried, 429 after `Retry-After`. */
async function get(ctx: HubContext, asked: Asked): Promise<Response> {
  const doFetch = ctx.fetch ?? fetch;
  let waits = 0;
  for (;;) {
    let response: Response;
    try {
      response = await doFetch(asked.url, { signal: ctx.signal, cache: 'no-store', headers: { Accept: 'application/json' } });
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      if (waits++ < 2) {
        await sleep(500 * waits, ctx.signal);
        continue;
      }
      throw unreachable(asked, error);
    }
    if (response.ok) return response;
    const error = await answerError(asked, response);
    const transient = error.detail.name === 'NetworkError' && (error.detail.status === 429 || error.detail.status >= 500);
    const wait = error.detail.name === 'NetworkError' ? (error.detail.retryAfterMs ?? 500 * 2 ** waits) : 0;
    if (!transient || waits++ >= (ctx.rateLimitWaits ?? 3) || wait > maxRetryAfterMs) throw error;
    await sleep(wait, ctx.signal);
  }
}

/** GET JSON; a web page or unparsable text is a HostError. */
async function getJson(ctx: HubContext, asked: Asked): Promise<{ body: unknown; response: Response }> {
  const response = await get(ctx, asked);
  const text = await response.text();
  if (isWebPage(response)) throw hostError(asked, response, text, 'a web page');
  try {
    return { body: JSON.parse(text), response };
  } catch {
    throw hostError(asked, response, text, `text that is not JSON (${JSON.stringify(text.slice(0, 60))})`);
  }
}

function apiUrl(ctx: HubContext, repo: string, rest: string): string {
  return new URL(`api/models/${repoPath(repo)}/${rest}`, withSlash(ctx.hostUrl)).href;
}

/** The commit a revision (branch, tag or commit) points to, and whether the repository is gated. */
export async function revisionInfo(ctx: HubContext, repo: string, revision: string): Promise<{ sha: string; gated: boolean }> {
  const url = apiUrl(ctx, repo, `revision/${encodeURIComponent(revision)}`);
  const asked = { modelId: ctx.modelId, url, path: `the revision ${revision} of ${repo}`, repo };
  const { body, response } = await getJson(ctx, asked);
  const sha = typeof body === 'object' && body !== null && 'sha' in body ? body.sha : undefined;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) throw hostError(asked, response, JSON.stringify(body), 'JSON without a commit');
  const gated = (body as { gated?: unknown }).gated;
  return { sha, gated: gated !== undefined && gated !== false };
}

function parseEntry(value: unknown, asked: Asked, response: Response): TreeEntry | null {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (v.type === 'directory') return null;
  const lfs = v.lfs as Record<string, unknown> | undefined;
  const ok =
    v.type === 'file' && typeof v.path === 'string' && typeof v.size === 'number' && typeof v.oid === 'string' &&
    (lfs === undefined || (typeof lfs.oid === 'string' && typeof lfs.size === 'number'));
  if (!ok) throw hostError(asked, response, JSON.stringify(value), 'a file list entry of the wrong shape');
  const entry: TreeEntry = { type: 'file', path: v.path as string, size: v.size as number, oid: v.oid as string };
  if (lfs) entry.lfs = { oid: (lfs.oid as string).replace(/^sha256:/, '').toLowerCase(), size: lfs.size as number };
  if (typeof v.xetHash === 'string') entry.xetHash = v.xetHash;
  return entry;
}

/** The next page of a listing (`Link: <…>; rel="next"`), if any. */
export function nextPage(response: Response, base: string): string | null {
  const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '');
  return match ? new URL(match[1], base).href : null;
}

/** Every file (not directory) of a repository at a commit, across every page. */
export async function listFiles(ctx: HubContext, repo: string, commit: string): Promise<TreeEntry[]> {
  const files: TreeEntry[] = [];
  let url: string | null = `${apiUrl(ctx, repo, `tree/${encodeURIComponent(commit)}`)}?recursive=true`;
  while (url) {
    const asked: Asked = { modelId: ctx.modelId, url, path: `the file list of ${repo}`, repo };
    const { body, response } = await getJson(ctx, asked);
    if (!Array.isArray(body)) throw hostError(asked, response, JSON.stringify(body), 'JSON that is not a file list');
    for (const item of body) {
      const entry = parseEntry(item, asked, response);
      if (entry) files.push(entry);
    }
    url = nextPage(response, url);
  }
  return files;
}

/** One small file's bytes at a commit (held in memory: for the pin tool). */
export async function downloadSmallFile(ctx: HubContext, repo: string, commit: string, path: string): Promise<Uint8Array> {
  const url = resolveUrl(ctx.hostUrl, repo, commit, path);
  const response = await get(ctx, { modelId: ctx.modelId, url, path, repo });
  if (isWebPage(response) && !/\.html?$/i.test(path)) throw hostError({ modelId: ctx.modelId, url, path, repo }, response, await response.text(), 'a web page');
  return new Uint8Array(await response.arrayBuffer());
}
