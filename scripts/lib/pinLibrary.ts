/**
 * Pins a web-llm model library like the weights: a fixed commit in its URL, its size and its
 * SHA-256. A library on the model host is read from the host's tree listing at a commit; one on
 * GitHub (`raw.githubusercontent.com/<owner>/<repo>/<branch>/…`, where web-llm's prebuilt
 * libraries live) has its branch resolved to a commit through GitHub's API and is downloaded
 * and hashed.
 */
import { createHash } from 'node:crypto';
import type { ModelLib } from '../../workers/shared/catalog';
import { isCommitHash } from '../../workers/shared/catalog';
import { listFiles, resolveUrl, revisionInfo, withSlash, type HubContext } from '../../workers/store/hubClient';
import { PinError } from './pinRepo';

const hostPath = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/;
const githubRaw = /^https:\/\/raw\.githubusercontent\.com\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/;

async function fetchOk(ctx: HubContext, url: string): Promise<Response> {
  const response = await (ctx.fetch ?? fetch)(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new PinError(`GET ${url} answered ${response.status}`);
  return response;
}

/** The library pinned: URL at a commit, size, SHA-256. */
export async function pinModelLib(lib: ModelLib, ctx: HubContext): Promise<ModelLib> {
  const onHost = hostPath.exec(lib.url);
  if (onHost) {
    const [, repo, rev, path] = onHost;
    const commit = isCommitHash(rev) ? rev : (await revisionInfo(ctx, repo, rev)).sha;
    const row = (await listFiles(ctx, repo, commit)).find((f) => f.path === path);
    if (!row?.lfs) throw new PinError(`${repo} has no LFS file ${path} at ${commit}`);
    return { url: new URL(resolveUrl(ctx.hostUrl, repo, commit, path)).pathname, size: row.lfs.size, sha256: row.lfs.oid };
  }
  let url = new URL(lib.url, withSlash(ctx.hostUrl)).href;
  const github = githubRaw.exec(url);
  if (github && !isCommitHash(github[3])) {
    const [, owner, repo, branch, path] = github;
    const commit = ((await (await fetchOk(ctx, `https://api.github.com/repos/${owner}/${repo}/commits/${branch}`)).json()) as { sha?: string }).sha;
    if (!isCommitHash(commit ?? null)) throw new PinError(`GitHub gave no commit for ${owner}/${repo}@${branch}`);
    url = `https://raw.githubusercontent.com/${owner}/${repo}/${commit}/${path}`;
  }
  const bytes = new Uint8Array(await (await fetchOk(ctx, url)).arrayBuffer());
  return { url, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}
