/**
 * What the page and the engine worker know of the store: the types its API takes and returns.
 * The page imports these (and the API type) from here only, never the store's code.
 */
import type { CatalogEntry, FileRole, KvHeadSizes, ModelLineage } from './catalog';
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
  /**
   * Where the expected hashes came from: the pinned catalog, the host's listing, the export
   * manifest carried with imported files, or the imported bytes themselves.
   */
  hashesFrom: 'catalog' | 'host' | 'export' | 'import';
  resolvedAt: number;
  /** How these bytes reached this device; absent: downloaded from `hostUrl`. */
  acquired?: Acquisition;
  /** A GGUF's own metadata, read when it was imported. */
  ggufFacts?: GgufFacts;
}

/** How a stored model's bytes reached this device. */
export type Acquisition =
  | { kind: 'download' }
  | {
      kind: 'import';
      fileNames: string[];
      importedAt: number;
      /**
       * How the files were recognised: their SHA-256 equal a known model's (`known-hash`), they
       * match the export manifest carried with them (`export-manifest`), or neither (`none`).
       */
      matched: 'known-hash' | 'export-manifest' | 'none';
      /** From the export manifest: where the exporting device had the model from. */
      exportedFrom?: { hostUrl: string; repo: string; revision: string; exportedAt: string };
    };

/** What a GGUF's own header says (read with `@huggingface/gguf`). */
export interface GgufFacts {
  architecture: string;
  /** `general.name`, when set. */
  name: string | null;
  parameters: number;
  /** Quantization of the file (`general.file_type`), e.g. `Q4_K_M`, `F32`. */
  quantization: string;
  /** `<arch>.context_length`. */
  contextLength: number | null;
  chatTemplate: string | null;
  /** `general.license`, when set. */
  licence: string | null;
  /** `general.base_model.N.*` as repository ids or names. */
  baseModels: string[];
  /** Parts of a split GGUF (`split.count`), 1 otherwise. */
  splitCount: number;
  /** KV cache values per token (layers x KV heads x (key + value head size)), when the header gives them. */
  kvValuesPerToken?: number | null;
  /** Key and value head sizes, when the header gives them. */
  kvHeadSizes?: KvHeadSizes | null;
}

/** One choice a repository offers: a GGUF quantization (split parts together) or its MLC build. */
export interface RepoChoice {
  /** A pinned entry (commit, sizes, SHA-256s) ready to be saved. */
  entry: CatalogEntry;
  quantization: string;
  /** Bytes to download (weights, card, licence; the model library too). */
  bytes: number;
  /** Weight files: one GGUF, a split GGUF's parts, or an MLC build's shards. */
  weightFiles: string[];
  /** Whether the bytes fit what the browser reports this site may still store. */
  fitsStorage: boolean;
}

/** What a repository on the model host offers, read before anything is saved or downloaded. */
export interface RepoInspection {
  hostUrl: string;
  repo: string;
  /** The revision asked for (`main` unless the URL named one). */
  requestedRevision: string;
  /** The commit it resolved to: every choice is pinned there. */
  commit: string;
  kind: 'gguf' | 'mlc';
  /** The model card (README.md) and licence file texts, when the repository has them. */
  cardText: string | null;
  licenceText: string | null;
  licenceFile: string | null;
  lineage: ModelLineage;
  choices: RepoChoice[];
  /** Bytes the browser reports this site may still store. */
  availableBytes: number;
}

/** A file handed to the store to import, with its path inside a picked or dropped folder. */
export interface ImportSource {
  path: string;
  file: File;
}

/** Progress of an import: every byte is read (hashed), then stored (and hashed again). */
export interface ImportProgress {
  phase: 'checking' | 'hashing' | 'storing';
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

/** What an import became. */
export interface ImportResult {
  entry: CatalogEntry;
  matched: 'known-hash' | 'export-manifest' | 'none';
  /** Where the matched entry is listed, for the sentence that says so. */
  matchedList?: 'catalog' | 'host' | 'added' | 'stored';
  /** Every imported file with its SHA-256. */
  files: { path: string; size: number; sha256: string }[];
  /** The model was already stored and verified: nothing was written. */
  alreadyStored: boolean;
  /** Files the model still needs from the network (an MLC folder without its library). */
  missing: string[];
  ggufFacts?: GgufFacts;
}

/** A store call that either gives its value or a typed error (and then changed nothing). */
export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreError };

/** The manifest written beside exported files (`hearth-export.json`), checked by the import. */
export interface ExportManifest {
  format: 'hearth-export';
  version: 1;
  exportedAt: string;
  app: string;
  entry: CatalogEntry;
  /** Where the exporting device had the model from, and the addresses its files were stored under. */
  source: { hostUrl: string; repo: string; revision: string; hashesFrom: ModelManifest['hashesFrom']; baseUrl: string; modelLibUrl?: string };
  files: { path: string; role: FileRole; size: number; sha256: string; url: string }[];
}

/** File name of the export manifest. */
export const exportManifestName = 'hearth-export.json';

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
  /** How the bytes reached this device. */
  acquired: Acquisition['kind'];
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
