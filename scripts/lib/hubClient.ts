/**
 * The few Hugging Face Hub endpoints the pinning tool needs, against any compatible host
 * (huggingface.co, a mirror, or the test host in tests/fixtures).
 */

/** Default model host; `--host` or `HEARTH_MODEL_HOST` override it. */
export const defaultHost = 'https://huggingface.co';

/** One file of a repository tree as the Hub lists it. */
export interface TreeFile {
  path: string;
  size: number;
  /** Git blob id (SHA-1 of `"blob <size>\0" + bytes`). */
  oid: string;
  /** Present for files stored in Git LFS; `oid` is then the SHA-256 of the content. */
  lfs?: { oid: string; size: number };
}

/** An HTTP failure, with the request that failed, so the message says what to fix. */
export class HubError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

type Fetch = typeof fetch;

/** `owner/name` -> URL path, each segment escaped. */
function repoPath(repo: string): string {
  const parts = repo.split('/');
  if (parts.length !== 2 || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`Expected a repository as owner/name, got ${JSON.stringify(repo)}`);
  }
  return parts.map(encodeURIComponent).join('/');
}

function filePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function hostBase(host: string): string {
  return host.replace(/\/+$/, '');
}

async function get(url: string, fetchImpl: Fetch, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, { redirect: 'follow' });
  } catch (error) {
    const cause =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new HubError(`Could not reach the model host for ${what}: GET ${url} failed (${cause})`, url, 0);
  }
  if (!response.ok) {
    const hint =
      response.status === 404
        ? ' (no such repository, revision or file on this host)'
        : response.status === 401 || response.status === 403
          ? ' (the repository is private or gated)'
          : '';
    await response.body?.cancel();
    throw new HubError(
      `Model host answered ${response.status} ${response.statusText} for ${what}${hint}: GET ${url}`,
      url,
      response.status,
    );
  }
  return response;
}

async function getJson(url: string, fetchImpl: Fetch, what: string): Promise<unknown> {
  const response = await get(url, fetchImpl, what);
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new HubError(
      `Model host did not answer JSON for ${what}: GET ${url} returned ${JSON.stringify(text.slice(0, 120))}`,
      url,
      response.status,
    );
  }
}

/** The commit a revision (branch, tag or commit) points to on the host; not checked here. */
export async function resolveRevision(
  host: string,
  repo: string,
  revision: string,
  fetchImpl: Fetch = fetch,
): Promise<string> {
  const url = `${hostBase(host)}/api/models/${repoPath(repo)}/revision/${encodeURIComponent(revision)}`;
  const body = await getJson(url, fetchImpl, `revision ${revision} of ${repo}`);
  const sha = typeof body === 'object' && body !== null && 'sha' in body ? body.sha : undefined;
  if (typeof sha !== 'string') {
    throw new HubError(`Model host gave no commit for revision ${revision} of ${repo}: GET ${url}`, url, 200);
  }
  return sha;
}

function parseTreeEntry(value: unknown, url: string): TreeFile | null {
  if (typeof value !== 'object' || value === null)
    throw new HubError(`Malformed tree entry from ${url}`, url, 200);
  const v = value as Record<string, unknown>;
  if (v.type !== 'file') return null;
  if (typeof v.path !== 'string' || typeof v.size !== 'number' || typeof v.oid !== 'string') {
    throw new HubError(`Malformed tree entry ${JSON.stringify(value)} from ${url}`, url, 200);
  }
  const file: TreeFile = { path: v.path, size: v.size, oid: v.oid };
  if (typeof v.lfs === 'object' && v.lfs !== null) {
    const lfs = v.lfs as Record<string, unknown>;
    if (typeof lfs.oid !== 'string' || typeof lfs.size !== 'number') {
      throw new HubError(`Malformed LFS data for ${v.path} from ${url}`, url, 200);
    }
    file.lfs = { oid: lfs.oid.replace(/^sha256:/, '').toLowerCase(), size: lfs.size };
  }
  return file;
}

/** Next page of a paginated Hub listing (`Link: <...>; rel="next"`), if any. */
function nextPage(response: Response, base: string): string | null {
  const link = response.headers.get('link');
  const match = link?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  return match ? new URL(match[1], base).href : null;
}

/** Every file (not directory) of the repository at a commit, following pagination. */
export async function listTree(
  host: string,
  repo: string,
  commit: string,
  fetchImpl: Fetch = fetch,
): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  let url: string | null =
    `${hostBase(host)}/api/models/${repoPath(repo)}/tree/${encodeURIComponent(commit)}?recursive=true`;
  while (url) {
    const response = await get(url, fetchImpl, `the file list of ${repo}@${commit}`);
    const body: unknown = JSON.parse(await response.text());
    if (!Array.isArray(body))
      throw new HubError(`Model host did not answer a file list: GET ${url}`, url, 200);
    for (const item of body) {
      const file = parseTreeEntry(item, url);
      if (file) files.push(file);
    }
    url = nextPage(response, url);
  }
  return files;
}

/** URL of one file's bytes at a commit. */
export function resolveUrl(host: string, repo: string, commit: string, path: string): string {
  return `${hostBase(host)}/${repoPath(repo)}/resolve/${encodeURIComponent(commit)}/${filePath(path)}`;
}

/** Downloads one file at a commit (small files only: it is held in memory). */
export async function downloadFile(
  host: string,
  repo: string,
  commit: string,
  path: string,
  fetchImpl: Fetch = fetch,
): Promise<Uint8Array> {
  const url = resolveUrl(host, repo, commit, path);
  const response = await get(url, fetchImpl, `${path} of ${repo}@${commit}`);
  return new Uint8Array(await response.arrayBuffer());
}
