/**
 * What `npm run mirror` copies. Each id on the command line names a catalog entry (built in, or
 * in the source host's own `hearth-catalog.json`), or a repository: its catalog entries, or, for
 * a repository no catalog knows, what the store's "add from a repository" offers from it (every
 * GGUF quantization, or its MLC build). Each becomes an item pinned at a commit, with every
 * file's size and the hash its bytes must have: the pinned or LFS SHA-256, or for a small
 * non-LFS file its git blob id (the tree lists nothing else for it).
 */
import type { CatalogEntry, FileRole } from '../../workers/shared/catalog';
import { isCommitHash } from '../../workers/shared/catalog';
import { listFiles, revisionInfo, withSlash, type HubContext, type TreeEntry } from '../../workers/store/hubClient';
import { isFullyPinned } from '../../workers/store/manifest';
import { inspectRepo } from '../../workers/store/repoInspect';
import { readCatalog, defaultCatalogPath } from './catalogFile';
import { pinModelLib } from './pinLibrary';
import { PinError, selectFiles } from './pinRepo';

/** A failure the user can act on; the command prints its message without a stack. */
export class MirrorError extends Error {
  override name = 'MirrorError';
}

/** One file to copy and what its bytes must hash to. */
export interface MirrorFile {
  path: string;
  role: FileRole;
  size: number;
  sha256?: string;
  /** For a small file the tree lists without LFS: its git blob id. */
  gitSha1?: string;
}

/** One model to copy: its entry pinned at `commit`, its files, its model library. */
export interface MirrorItem {
  entry: CatalogEntry;
  repo: string;
  commit: string;
  /**
   * The revision answered as a static file beside the commit: the one the entry or repository
   * was asked at (`main`), so "add from a repository" on the mirror finds what was mirrored.
   */
  revision: string;
  files: MirrorFile[];
  /** The upstream tree's rows for these files (absent when the source host has no tree API). */
  tree: TreeEntry[];
  lib?: { url: string; path: string; size: number; sha256: string };
  /** Where the entry came from upstream (the catalog or an added repository). */
  upstreamOrigin: 'catalog' | 'repository';
}

const repoPattern = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** The source host's own list (none is fine: Hugging Face has none). */
async function hostEntries(hub: HubContext): Promise<CatalogEntry[]> {
  const url = new URL('hearth-catalog.json', withSlash(hub.hostUrl)).href;
  let response: Response;
  try {
    response = await (hub.fetch ?? fetch)(url);
  } catch (error) {
    throw new MirrorError(`Could not reach ${hub.hostUrl} (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}).`);
  }
  if (!response.ok) return [];
  const body: unknown = await response.json().catch(() => null);
  return Array.isArray(body) ? (body as CatalogEntry[]) : [];
}

/** Built-in and host entries, the host's first (as the app lists them), one per id. */
export async function knownEntries(hub: HubContext, catalogPath: string | URL = defaultCatalogPath): Promise<CatalogEntry[]> {
  const hosted = await hostEntries(hub);
  const ids = new Set(hosted.map((e) => e.id));
  return [...hosted, ...(await readCatalog(catalogPath)).filter((e) => !ids.has(e.id))];
}

/** The entries one command-line id stands for. */
async function entriesFor(id: string, known: CatalogEntry[], hub: HubContext): Promise<CatalogEntry[]> {
  const byId = known.filter((e) => e.id === id);
  if (byId.length) return byId;
  const byRepo = known.filter((e) => e.source.repo === id);
  if (byRepo.length) return byRepo;
  if (!repoPattern.test(id)) throw new MirrorError(`${id} is neither a catalog entry nor a repository id (owner/name). Known entries:\n  ${known.map((e) => e.id).join('\n  ')}`);
  const inspection = await inspectRepo(id, hub.hostUrl, known, hub.signal);
  return inspection.choices.map((c) => c.entry);
}

/** Where a model library is kept in the mirror: a library on the host keeps its path; another goes under `model-libs/<its host>/`. */
function libPath(absolute: string, hostUrl: string): string {
  const base = withSlash(hostUrl);
  if (absolute.startsWith(base)) return decodeURIComponent(absolute.slice(base.length));
  const url = new URL(absolute);
  return `model-libs/${url.host}${decodeURIComponent(url.pathname)}`;
}

/** One entry pinned at a commit, with every file's expected hash. */
async function planEntry(entry: CatalogEntry, hub: HubContext): Promise<MirrorItem> {
  const repo = entry.source.repo;
  const revision = entry.origin?.kind === 'repository' ? entry.origin.requestedRevision : 'main';
  const commit = isCommitHash(entry.source.revision) ? entry.source.revision : (await revisionInfo(hub, repo, revision)).sha;
  const pinned = isFullyPinned(entry);
  let tree: TreeEntry[] = [];
  try {
    tree = await listFiles(hub, repo, commit);
  } catch (error) {
    // A pinned entry needs no listing (the source may itself be a mirror of pinned entries only).
    if (!pinned) throw error;
  }
  let files: MirrorFile[];
  if (pinned) {
    files = entry.files.map((f) => ({ path: f.path, role: f.role, size: f.size as number, sha256: f.sha256 }));
  } else {
    try {
      files = selectFiles(entry, tree).map(({ file, role }) =>
        file.lfs ? { path: file.path, role, size: file.lfs.size, sha256: file.lfs.oid } : { path: file.path, role, size: file.size, gitSha1: file.oid },
      );
    } catch (error) {
      throw error instanceof PinError ? new MirrorError(error.message) : error;
    }
  }
  const paths = new Set(files.map((f) => f.path));
  let lib: MirrorItem['lib'];
  if (entry.modelLib) {
    const pinnedLib = entry.modelLib.sha256 && entry.modelLib.size !== undefined ? entry.modelLib : await pinModelLib(entry.modelLib, { ...hub, modelId: entry.id });
    const url = new URL(pinnedLib.url, withSlash(hub.hostUrl)).href;
    lib = { url, path: libPath(url, hub.hostUrl), size: pinnedLib.size as number, sha256: pinnedLib.sha256 as string };
  }
  const upstreamOrigin = entry.origin?.kind === 'repository' ? 'repository' : 'catalog';
  return { entry, repo, commit, revision, files, tree: tree.filter((t) => paths.has(t.path)), lib, upstreamOrigin };
}

/** Every item the ids stand for, once each. */
export async function planMirror(ids: string[], hub: HubContext, catalogPath?: string | URL): Promise<MirrorItem[]> {
  const known = await knownEntries(hub, catalogPath);
  const items = new Map<string, MirrorItem>();
  for (const id of ids) {
    for (const entry of await entriesFor(id, known, hub)) if (!items.has(entry.id)) items.set(entry.id, await planEntry(entry, hub));
  }
  return [...items.values()];
}
