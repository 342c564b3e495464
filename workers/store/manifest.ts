import type { CatalogEntry, FileRole } from '../shared/catalog';
import { isCommitHash } from '../shared/catalog';
import { TypedError } from '../shared/errors';
import type { FileTarget, ManifestFile, ModelManifest } from '../shared/storeProtocol';
import { listFiles, resolveUrl, revisionInfo, withSlash, type HubContext, type TreeEntry } from './hubClient';
import { modelLibFile } from './modelLibrary';

/** The files an engine needs from a repository listing, with their roles. */
export function roleOf(path: string, engine: CatalogEntry['engine']): FileRole | null {
  const name = path.split('/').pop() ?? path;
  if (/^README\.md$/i.test(name)) return 'model-card';
  if (/^LICEN[CS]E(\.(md|txt))?$/i.test(name)) return 'licence';
  if (/^USE_POLICY\.md$/i.test(name)) return 'use-policy';
  if (engine === 'wllama') return name.endsWith('.gguf') ? 'weights' : null;
  if (name === 'mlc-chat-config.json') return 'chat-config';
  if (name === 'tokenizer.json') return 'tokenizer';
  if (name === 'tensor-cache.json') return 'tensor-cache';
  if (/^params_shard_\d+\.bin$/.test(name)) return 'weights';
  return null;
}

/** The base URL web-llm's `cleanModelUrl` would produce for this repo at this commit. */
export function resolveBase(hostUrl: string, repo: string, revision: string): string {
  return new URL(`${repo}/resolve/${revision}/`, withSlash(hostUrl)).href;
}

/** Where web-llm 0.2.86 (cacheBackend "indexeddb") looks for a file of this role. */
export function targetFor(role: FileRole, engine: CatalogEntry['engine'], url: string): FileTarget {
  if (engine !== 'webllm') return { kind: 'chunks' };
  switch (role) {
    case 'chat-config':
      return { kind: 'webllm', scope: 'webllm/config', key: url, storeAs: 'arraybuffer' };
    case 'model-lib':
      return { kind: 'webllm', scope: 'webllm/wasm', key: url, storeAs: 'arraybuffer' };
    case 'tensor-cache':
      return { kind: 'webllm', scope: 'webllm/model', key: url, storeAs: 'json' };
    case 'tokenizer':
    case 'weights':
      return { kind: 'webllm', scope: 'webllm/model', key: url, storeAs: 'arraybuffer' };
    default:
      return { kind: 'chunks' };
  }
}

/** Whether the catalog alone says every byte to fetch: commit, sizes and hashes. */
export function isFullyPinned(entry: CatalogEntry): boolean {
  return isCommitHash(entry.source.revision) && entry.files.length > 0 && entry.files.every((f) => f.size !== undefined && f.sha256 !== undefined);
}

/** A manifest row for a tree entry: LFS files by their SHA-256, small files by their git blob id. */
export function fileFromTree(row: TreeEntry, role: FileRole, engine: CatalogEntry['engine'], url: string): ManifestFile {
  return {
    path: row.path,
    role,
    url,
    size: row.lfs?.size ?? row.size,
    expected: row.lfs ? { kind: 'sha256', sha256: row.lfs.oid } : { kind: 'git-blob-sha1', sha1: row.oid },
    trust: 'host',
    target: targetFor(role, engine, url),
  };
}

function pinnedFiles(entry: CatalogEntry, baseUrl: string): ManifestFile[] {
  return entry.files.map((f): ManifestFile => {
    const url = new URL(f.path, baseUrl).href;
    return { path: f.path, role: f.role, url, size: f.size as number, expected: { kind: 'sha256', sha256: f.sha256 as string }, trust: 'pinned', target: targetFor(f.role, entry.engine, url) };
  });
}

/** The files an entry needs from its repository's listing at a commit. */
async function hostFiles(entry: CatalogEntry, ctx: HubContext, revision: string, baseUrl: string): Promise<ManifestFile[]> {
  const rows = await listFiles(ctx, entry.source.repo, revision);
  const wanted = new Set(entry.files.map((f) => f.path));
  const files: ManifestFile[] = [];
  for (const row of rows) {
    const role = roleOf(row.path, entry.engine);
    // A GGUF repository holds every quantization: keep only the ones the entry names.
    if (!role || (role === 'weights' && entry.engine === 'wllama' && !wanted.has(row.path))) continue;
    files.push(fileFromTree(row, role, entry.engine, new URL(row.path, baseUrl).href));
  }
  const missing = entry.files.filter((f) => !files.some((m) => m.path === f.path));
  if (missing.length > 0) {
    const host = new URL(ctx.hostUrl).host;
    throw new TypedError({
      name: 'NotFoundError',
      message: `${host} has no ${missing.map((f) => f.path).join(', ')} in ${entry.source.repo} at ${revision.slice(0, 12)}.`,
      modelId: entry.id,
      repo: entry.source.repo,
      path: missing[0].path,
      url: resolveUrl(ctx.hostUrl, entry.source.repo, revision, missing[0].path),
      code: 'EntryNotFound',
    });
  }
  return files;
}

/**
 * Resolves an entry into exact files. A fully pinned entry needs no request; otherwise the
 * commit (when the entry has none) and the hashes come from the host's API at that commit,
 * before any byte of the model is fetched. The model library is resolved like the weights
 * (see `modelLibFile`).
 */
export async function resolveManifest(entry: CatalogEntry, hostUrl: string, signal?: AbortSignal): Promise<ModelManifest> {
  const ctx: HubContext = { hostUrl, modelId: entry.id, signal };
  const pinned = isFullyPinned(entry);
  const revision = isCommitHash(entry.source.revision) ? entry.source.revision : (await revisionInfo(ctx, entry.source.repo, 'main')).sha;
  const baseUrl = resolveBase(hostUrl, entry.source.repo, revision);
  const files = pinned ? pinnedFiles(entry, baseUrl) : await hostFiles(entry, ctx, revision, baseUrl);
  const lib = await modelLibFile(entry, ctx);
  return {
    modelId: entry.id,
    engine: entry.engine,
    hostUrl,
    repo: entry.source.repo,
    revision,
    baseUrl,
    modelLibUrl: lib?.url,
    files: lib ? [...files, lib] : files,
    hashesFrom: pinned ? 'catalog' : 'host',
    resolvedAt: Date.now(),
  };
}
