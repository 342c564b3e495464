/**
 * What the page and the engine worker know of the store: the types its API takes and returns.
 * The page imports these (and the API type) from here only, never the store's code.
 */
import type { CatalogEntry, FileRole } from './catalog';
import type { HashTrust, StoreError } from './errors';
import type { DownloadProgress } from './progress';

export type { HashTrust, StoreError };

/** The three web-llm cache scopes; each is its own IndexedDB database of that name. */
export type WebllmScope = 'webllm/model' | 'webllm/config' | 'webllm/wasm';

/** Where a verified file is put. */
export type FileTarget =
  | { kind: 'webllm'; scope: WebllmScope; key: string; storeAs: 'arraybuffer' | 'json' }
  | { kind: 'chunks' };

/**
 * What a file must hash to. Large (LFS) files have a SHA-256 from the catalog or the host's LFS
 * pointer; small non-LFS files on an unpinned entry only have a git blob id (SHA-1 of
 * `"blob <size>\0" + bytes`), which we check and then record the SHA-256 we computed. A model
 * library from a host with no hash API is recorded on first download (`first-use`).
 */
export type Expected =
  | { kind: 'sha256'; sha256: string }
  | { kind: 'git-blob-sha1'; sha1: string }
  | { kind: 'first-use' };

/** One file of a resolved manifest: an absolute URL, an exact size and what it must hash to. */
export interface ManifestFile {
  path: string;
  role: FileRole;
  url: string;
  size: number;
  expected: Expected;
  /** Where `expected` came from; a model library with no pinned hash is `first-use`. */
  trust?: HashTrust;
  target: FileTarget;
}

/** A catalog entry resolved against a host and a commit: the exact bytes to fetch. */
export interface ModelManifest {
  modelId: string;
  engine: CatalogEntry['engine'];
  hostUrl: string;
  repo: string;
  revision: string;
  /** Absolute base web-llm is given as `model` (ends with `/resolve/<rev>/`). */
  baseUrl: string;
  /** Absolute model library URL (web-llm entries only). */
  modelLibUrl?: string;
  files: ManifestFile[];
  /** Where the expected hashes came from. */
  hashesFrom: 'catalog' | 'host';
  resolvedAt: number;
}

/** A model in the store, as the UI lists it. */
export interface CachedModel {
  id: string;
  displayName: string;
  complete: boolean;
  /** Bytes this model holds on disk, verified files plus partial downloads. */
  bytesOnDisk: number;
  filesVerified: number;
  filesTotal: number;
  /** When the last file was verified (ms since epoch), if any. */
  verifiedAt: number | null;
  revision: string;
  hostUrl: string;
  hashesFrom: ModelManifest['hashesFrom'];
  test: boolean;
}

/** What the load-time check found. */
export interface CheckReport {
  modelId: string;
  ok: boolean;
  /** Files missing or damaged; their bytes were dropped so a download repairs just them. */
  bad: { path: string; reason: string }[];
  depth: CheckDepth;
  bytesChecked: number;
  ms: number;
}

/**
 * How deep a check goes. `presence`: every file has its verified record and its bytes are where
 * they belong, read from no file (the engine load: the engine reads the bytes right after, and
 * they were hashed before they were stored). `size`: every byte is read back and counted.
 * `hash`: every byte is read and hashed again ("Verify").
 */
export type CheckDepth = 'presence' | 'size' | 'hash';

/** Storage numbers for the storage view. */
export interface StorageInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}

/** One verified file of a model, as the panel and the BOM list it. */
export interface VerifiedFileInfo {
  path: string;
  role: string;
  size: number;
  sha256: string;
  verifiedAt: number;
  url: string;
  /** Where the hash it was checked against came from (`first-use`: recorded at its first download). */
  trust: HashTrust;
}

/** How a model download ended: every file verified, or the typed errors of the files that failed. */
export type DownloadOutcome = { ok: true } | { ok: false; errors: StoreError[] };

/**
 * What the store workers of every tab of this origin tell each other (BroadcastChannel
 * `hearth-store`), and what a store worker forwards to its page (`storeApi.watch`).
 */
export type StoreEvent =
  /** A download under way in some tab (the one holding the model's lock). */
  | { type: 'progress'; progress: DownloadProgress }
  /** That download ended. */
  | { type: 'ended'; modelId: string; outcome: DownloadOutcome }
  /** A model's stored state changed (downloaded, deleted, verified, repaired): list it again. */
  | { type: 'changed'; modelId: string }
  /** Asks the tab downloading this model to stop (a cancel or a delete in another tab). */
  | { type: 'cancel'; modelId: string };

/** The store worker's API type, derived from its implementation (a type-only import). */
export type StoreApi = typeof import('../store/storeApi').storeApi;

export type { CatalogResult, HostProblem, HostProblemKind } from './hostStatus';
