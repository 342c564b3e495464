import type { CatalogEntry, FileRole } from '../shared/catalog';
import { isCommitHash } from '../shared/catalog';
import { TypedError } from '../shared/errors';
import type { FileTarget, ManifestFile, ModelManifest } from '../shared/storeProtocol';

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

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Where web-llm 0.2.86 (cacheBackend "indexeddb") looks for a file of this role. */
export function targetFor(
  role: FileRole,
  engine: CatalogEntry['engine'],
  url: string,
): FileTarget {
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

/** A Hugging Face tree listing row. */
interface TreeRow {
  type: string;
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number };
}

function manifestError(modelId: string, message: string): TypedError<{
  name: 'ManifestError';
  message: string;
  modelId: string;
}> {
  return new TypedError({ name: 'ManifestError', message, modelId });
}

async function getJson<T>(url: string, modelId: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal, cache: 'no-store' });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new TypedError({
      name: 'NetworkError',
      message: `Could not reach the model host (${new URL(url).host}).`,
      modelId,
      path: new URL(url).pathname,
      url,
      status: 0,
    });
  }
  if (!response.ok) {
    throw new TypedError({
      name: 'NetworkError',
      message: `The model host answered ${response.status} for ${new URL(url).pathname}.`,
      modelId,
      path: new URL(url).pathname,
      url,
      status: response.status,
      bodySnippet: (await response.text()).slice(0, 200),
    });
  }
  // A host that is not a Hugging Face–style host answers its API paths with a web page: say
  // so, rather than let a JSON parse error reach the user as a storage failure.
  const body: unknown = await response.json().catch(() => undefined);
  if (body === undefined) {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new TypedError({
      name: 'NetworkError',
      message: `The model host answered ${new URL(url).pathname} with ${/html/i.test(type) ? 'a web page' : `something that is not JSON (${type.split(';')[0]})`} instead of its API's JSON: it is not a Hugging Face–style host.`,
      modelId,
      path: new URL(url).pathname,
      url,
      status: response.status,
    });
  }
  return body as T;
}

function absoluteLibUrl(entry: CatalogEntry, hostUrl: string): string | undefined {
  if (!entry.modelLib) return undefined;
  return new URL(entry.modelLib.url, withSlash(hostUrl)).href;
}

function libFile(entry: CatalogEntry, libUrl: string | undefined): ManifestFile[] {
  if (!entry.modelLib || !libUrl) return [];
  const { size, sha256 } = entry.modelLib;
  return [
    {
      path: libUrl.split('/').pop() ?? 'model-lib.wasm',
      role: 'model-lib',
      url: libUrl,
      size: size ?? -1,
      expected: sha256 ? { kind: 'sha256', sha256 } : { kind: 'first-use' },
      target: targetFor('model-lib', entry.engine, libUrl),
    },
  ];
}

/** Whether the catalog alone says every byte to fetch: commit, sizes and hashes. */
export function isFullyPinned(entry: CatalogEntry): boolean {
  return (
    isCommitHash(entry.source.revision) &&
    entry.files.length > 0 &&
    entry.files.every((f) => f.size !== undefined && f.sha256 !== undefined)
  );
}

/** A manifest of an entry at a commit: the files given, plus the model library. */
function manifestOf(entry: CatalogEntry, hostUrl: string, revision: string, files: ManifestFile[], hashesFrom: ModelManifest['hashesFrom']): ModelManifest {
  const libUrl = absoluteLibUrl(entry, hostUrl);
  return {
    modelId: entry.id,
    engine: entry.engine,
    hostUrl,
    repo: entry.source.repo,
    revision,
    baseUrl: resolveBase(hostUrl, entry.source.repo, revision),
    modelLibUrl: libUrl,
    files: [...files, ...libFile(entry, libUrl)],
    hashesFrom,
    resolvedAt: Date.now(),
  };
}

/**
 * Resolves an entry into exact files. A fully pinned entry needs no request; otherwise the
 * commit (when the entry has none) and the hashes come from the host's API at that commit,
 * before any byte of the model is fetched.
 */
export async function resolveManifest(
  entry: CatalogEntry,
  hostUrl: string,
  signal?: AbortSignal,
): Promise<ModelManifest> {
  const api = new URL('api/models/', withSlash(hostUrl)).href;
  if (isFullyPinned(entry)) {
    const revision = entry.source.revision as string;
    const baseUrl = resolveBase(hostUrl, entry.source.repo, revision);
    const files = entry.files.map((f): ManifestFile => {
      const url = new URL(f.path, baseUrl).href;
      return {
        path: f.path,
        role: f.role,
        url,
        size: f.size as number,
        expected: { kind: 'sha256', sha256: f.sha256 as string },
        target: targetFor(f.role, entry.engine, url),
      };
    });
    return manifestOf(entry, hostUrl, revision, files, 'catalog');
  }

  let revision = entry.source.revision;
  if (!isCommitHash(revision)) {
    const info = await getJson<{ sha?: string }>(
      `${api}${entry.source.repo}/revision/main`,
      entry.id,
      signal,
    );
    if (!info.sha || !isCommitHash(info.sha)) {
      throw manifestError(entry.id, `The host did not give a commit for ${entry.source.repo}.`);
    }
    revision = info.sha;
  }
  const rows = await getJson<TreeRow[]>(
    `${api}${entry.source.repo}/tree/${revision}?recursive=true`,
    entry.id,
    signal,
  );
  const baseUrl = resolveBase(hostUrl, entry.source.repo, revision);
  const wanted = new Set(entry.files.map((f) => f.path));
  const files: ManifestFile[] = [];
  for (const row of rows) {
    if (row.type !== 'file') continue;
    const role = roleOf(row.path, entry.engine);
    // A GGUF repository holds every quantization: keep only the ones the entry names.
    if (!role || (role === 'weights' && entry.engine === 'wllama' && !wanted.has(row.path))) {
      continue;
    }
    const url = new URL(row.path, baseUrl).href;
    files.push({
      path: row.path,
      role,
      url,
      size: row.lfs?.size ?? row.size,
      expected: row.lfs
        ? { kind: 'sha256', sha256: row.lfs.oid }
        : { kind: 'git-blob-sha1', sha1: row.oid },
      target: targetFor(role, entry.engine, url),
    });
  }
  const missing = entry.files.filter((f) => !files.some((m) => m.path === f.path));
  if (missing.length > 0) {
    throw manifestError(
      entry.id,
      `The repository ${entry.source.repo} at ${revision.slice(0, 12)} lacks ${missing
        .map((f) => f.path)
        .join(', ')}.`,
    );
  }
  return manifestOf(entry, hostUrl, revision, files, 'host');
}
