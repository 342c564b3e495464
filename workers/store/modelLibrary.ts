/**
 * The model library (the compiled WebGPU code web-llm runs) is verified like the weights: a
 * pinned entry carries its SHA-256; a library the model host serves (a path on the host) is
 * checked against the host's tree listing at a commit; a library from elsewhere with no pinned
 * hash is trusted on first use: the first download records its SHA-256 here and every later
 * download and load must match it.
 */
import type { CatalogEntry } from '../shared/catalog';
import { isCommitHash } from '../shared/catalog';
import type { ManifestFile } from '../shared/storeProtocol';
import { listFiles, resolveUrl, revisionInfo, withSlash, type HubContext } from './hubClient';
import { fileFromTree, targetFor } from './manifest';
import { storeDb } from './schema';

const hostPath = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/;

/** The SHA-256 recorded at a library's first download, if it was ever downloaded. */
export async function trustedLibHash(url: string): Promise<string | undefined> {
  return (await (await storeDb()).get('trustedLibs', url))?.sha256;
}

/** The manifest row of an entry's model library, or undefined when it needs none. */
export async function modelLibFile(entry: CatalogEntry, ctx: HubContext): Promise<ManifestFile | undefined> {
  const lib = entry.modelLib;
  if (!lib) return undefined;
  const onHost = hostPath.exec(lib.url);
  if (onHost && !lib.sha256) {
    const [, repo, rev, path] = onHost;
    const commit = isCommitHash(rev) ? rev : (await revisionInfo(ctx, repo, rev)).sha;
    const row = (await listFiles(ctx, repo, commit)).find((f) => f.path === path);
    const url = resolveUrl(ctx.hostUrl, repo, commit, path);
    if (row) return { ...fileFromTree(row, 'model-lib', entry.engine, url), path: path.split('/').pop() ?? path };
  }
  const url = new URL(lib.url, withSlash(ctx.hostUrl)).href;
  const base = { path: url.split('/').pop() ?? 'model-lib.wasm', role: 'model-lib' as const, url, size: lib.size ?? -1, target: targetFor('model-lib', entry.engine, url) };
  if (lib.sha256) return { ...base, expected: { kind: 'sha256', sha256: lib.sha256 }, trust: 'pinned' };
  const recorded = await trustedLibHash(url);
  return { ...base, expected: recorded ? { kind: 'sha256', sha256: recorded } : { kind: 'first-use' }, trust: 'first-use' };
}
