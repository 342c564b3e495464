import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CatalogEntry } from '../shared/catalog';
import type { ManifestFile, ModelManifest } from '../shared/storeProtocol';

/** A file that was fetched, hashed and found equal to what was expected. */
export interface VerifiedFile {
  modelId: string;
  path: string;
  /** The manifest row it was verified against. */
  file: ManifestFile;
  /** SHA-256 of the stored bytes (for first-use and git-blob files, the one we computed). */
  sha256: string;
  size: number;
  verifiedAt: number;
  /** For `chunks` targets: how many chunk records hold the bytes. */
  chunkCount: number;
  /**
   * The exact bytes of a file web-llm keeps as parsed JSON (tensor-cache.json): re-serialising
   * the JSON would change them, and an export must write the file that was verified.
   */
  source?: Blob;
}

/** A model the user started downloading; `complete` once every file is verified. */
export interface StoredModel {
  id: string;
  entry: CatalogEntry;
  manifest: ModelManifest;
  complete: boolean;
  startedAt: number;
  completedAt?: number;
}

/**
 * A file being downloaded. Chunk-stored files keep their hasher state here (saved in the same
 * transaction as the chunk it covers), so a reload resumes both the bytes and the hash.
 * web-llm-bound files keep only a byte count: their checkpoint chunks are re-read on resume.
 */
export interface PartialFile {
  modelId: string;
  path: string;
  bytesDone: number;
  chunkCount: number;
  hashState?: Uint8Array;
  sha1State?: Uint8Array;
}

/** One slice of a file's bytes. */
export interface ChunkRecord {
  modelId: string;
  path: string;
  index: number;
  data: Blob;
}

/** Our one database: metadata for every model, chunked files, and downloads in progress. */
export interface HearthStoreSchema extends DBSchema {
  models: { key: string; value: StoredModel };
  files: { key: [string, string]; value: VerifiedFile; indexes: { byModel: string } };
  partials: { key: [string, string]; value: PartialFile; indexes: { byModel: string } };
  chunks: {
    key: [string, string, number];
    value: ChunkRecord;
    indexes: { byModel: string };
  };
  /** Catalog entries a model host published, kept for offline use. */
  hostCatalogs: { key: string; value: { hostUrl: string; entries: CatalogEntry[]; fetchedAt: number } };
  /** SHA-256 of each model library with no pinned hash, recorded at its first download. */
  trustedLibs: { key: string; value: TrustedLib };
  /** Entries the user added from a repository, pinned at a commit; kept until removed. */
  addedEntries: { key: string; value: AddedEntry };
}

/** An entry the user added (from a repository), saved on this device. */
export interface AddedEntry {
  id: string;
  entry: CatalogEntry;
  savedAt: number;
}

/** A model library trusted on first use: every later download and load must match it. */
export interface TrustedLib {
  url: string;
  sha256: string;
  size: number;
  firstSeen: number;
}

export const storeDbName = 'hearth-store';
let connection: Promise<IDBPDatabase<HearthStoreSchema>> | undefined;

/** Opens (once) the store database: the only `openDB` of `hearth-store`. */
export function storeDb(): Promise<IDBPDatabase<HearthStoreSchema>> {
  connection ??= openDB<HearthStoreSchema>(storeDbName, 3, {
    upgrade(db) {
      // Each store is created where missing, so any earlier version (or an empty database
      // another page opened first) upgrades to the whole schema.
      const has = (name: string): boolean => db.objectStoreNames.contains(name as never);
      if (!has('models')) db.createObjectStore('models', { keyPath: 'id' });
      if (!has('files')) db.createObjectStore('files', { keyPath: ['modelId', 'path'] }).createIndex('byModel', 'modelId');
      if (!has('partials')) db.createObjectStore('partials', { keyPath: ['modelId', 'path'] }).createIndex('byModel', 'modelId');
      if (!has('chunks')) db.createObjectStore('chunks', { keyPath: ['modelId', 'path', 'index'] }).createIndex('byModel', 'modelId');
      if (!has('hostCatalogs')) db.createObjectStore('hostCatalogs', { keyPath: 'hostUrl' });
      if (!has('trustedLibs')) db.createObjectStore('trustedLibs', { keyPath: 'url' });
      if (!has('addedEntries')) db.createObjectStore('addedEntries', { keyPath: 'id' });
    },
    blocking() {
      // Another tab wants a newer schema: step aside rather than block it.
      void connection?.then((db) => db.close());
      connection = undefined;
    },
  });
  return connection;
}

/** The key range of every chunk of one file. */
export function chunkRange(modelId: string, path: string): IDBKeyRange {
  return IDBKeyRange.bound([modelId, path, 0], [modelId, path, Number.MAX_SAFE_INTEGER]);
}

/** Deletes a file's chunks and partial record in one transaction. */
export async function dropFileBytes(modelId: string, path: string): Promise<void> {
  const db = await storeDb();
  const tx = db.transaction(['chunks', 'partials'], 'readwrite');
  await Promise.all([
    tx.objectStore('chunks').delete(chunkRange(modelId, path)),
    tx.objectStore('partials').delete([modelId, path]),
    tx.done,
  ]);
}
