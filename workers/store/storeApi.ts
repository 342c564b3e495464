import type { DeviceReport } from '../shared/device';
import { probeDevice } from '../shared/deviceProbe';
import { builtinCatalog } from '../catalog/catalog';
import type { CatalogEntry } from '../shared/catalog';
import type { CatalogResult } from '../shared/hostStatus';
import type { DownloadProgress } from '../shared/progress';
import { toStoreError } from '../shared/errors';
import type { CachedModel, CheckDepth, CheckReport, DownloadOutcome, ExportManifest, ImportProgress, ImportResult, ImportSource, RepoInspection, StorageInfo, StoreEvent, StoreResult } from '../shared/storeProtocol';
import { addedEntries, removeAddedEntry, saveAddedEntry } from './addedEntries';
import { allStopped, cancel, download, whileLocked, whileStopped } from './downloads';
import { exportManifestOf } from './exportManifest';
import { attachDocument, importFiles, knownForImport } from './fileImport';
import { readHostCatalog } from './hostCatalog';
import { checkModel, deleteAllRecords, deleteModelRecords, summarize } from './inventory';
import { storeDb } from './schema';
import { inspectRepo } from './repoInspect';
import { readFileBlob, readManifest, readVerifiedFiles } from './storeReader';
import { broadcast, onTabEvent } from './tabs';

/** The store worker's API. Every call returns typed data; failures are typed `StoreError`s. */
export const storeApi = {
  /**
   * The entries the model host publishes (kept, for offline use too), the built-in ones, and
   * every model stored on this device that neither lists, whichever host it came from; with
   * what was wrong with the host, if it did not answer as a model host.
   */
  async catalog(hostUrl: string, options: { refresh?: boolean } = {}): Promise<CatalogResult> {
    const { entries: hosted, problem } = await readHostCatalog(hostUrl, options.refresh === true);
    const ids = new Set(hosted.map((e) => e.id));
    const builtin = builtinCatalog.filter((e) => !ids.has(e.id));
    for (const e of builtin) ids.add(e.id);
    const added = (await addedEntries()).filter((e) => !ids.has(e.id));
    for (const e of added) ids.add(e.id);
    const stored = (await (await storeDb()).getAll('models')).map((m) => m.entry).filter((e) => !ids.has(e.id));
    return { hosted, builtin, added, stored, problem };
  },

  /**
   * What a repository on the model host offers (its GGUF quantizations, or its MLC build),
   * each as an entry pinned at the commit its revision resolves to now. Nothing is saved.
   */
  async inspectRepo(input: string, hostUrl: string): Promise<StoreResult<RepoInspection>> {
    return settle(async () => {
      const { entries: hosted } = await readHostCatalog(hostUrl, false);
      return inspectRepo(input, hostUrl, [...hosted, ...builtinCatalog]);
    });
  },

  /** Saves an entry `inspectRepo` offered (refused, changing nothing, when this device cannot hold it). */
  async saveAddedEntry(entry: CatalogEntry): Promise<StoreResult<CatalogEntry>> {
    const result = await settle(() => saveAddedEntry(entry));
    if (result.ok) broadcast({ type: 'changed', modelId: entry.id });
    return result;
  },

  /** Removes an added entry and every byte of it stored here. */
  async removeAddedEntry(id: string): Promise<void> {
    await whileStopped(id, () => deleteModelRecords(id));
    await removeAddedEntry(id);
    broadcast({ type: 'changed', modelId: id });
  },

  /**
   * Imports a GGUF (or a split GGUF's parts) or an MLC folder from disk, with no request:
   * hashed, recognised as a known model when its SHA-256s are one's, and stored like a download.
   */
  async importFiles(sources: ImportSource[], hostUrl: string, onProgress: (progress: ImportProgress) => void = () => {}): Promise<StoreResult<ImportResult>> {
    return settle(async () => {
      const { entries: hosted } = await readHostCatalog(hostUrl, false);
      const known = await knownForImport([
        { list: 'host', entries: hosted },
        { list: 'catalog', entries: builtinCatalog },
        { list: 'added', entries: await addedEntries() },
      ]);
      return importFiles(sources, hostUrl, known, onProgress);
    });
  },

  /** Attaches a model card or licence file to a stored model. */
  attachDocument(modelId: string, role: 'model-card' | 'licence', source: ImportSource): Promise<StoreResult<null>> {
    return settle(async () => {
      await attachDocument(modelId, role, source);
      return null;
    });
  },

  /** The manifest to write beside a complete model's exported files (`app`: who exports it). */
  exportManifest(modelId: string, app: string): Promise<ExportManifest | undefined> {
    return exportManifestOf(modelId, app);
  },

  /** Every model with bytes in the store. */
  async models(): Promise<CachedModel[]> {
    const ids = await (await storeDb()).getAllKeys('models');
    const out: CachedModel[] = [];
    for (const id of ids) {
      const summary = await summarize(id);
      if (summary) out.push(summary);
    }
    return out;
  },

  /** The manifest (exact files and hashes) a model was downloaded against. */
  manifest: readManifest,

  /**
   * Downloads what is missing of a model (all of it the first time), verifying every file, and
   * resumes partial files. When another tab is downloading it, follows that download instead
   * (its progress comes through `onProgress`), so one tab at a time fetches and writes a model.
   */
  download(entry: CatalogEntry, hostUrl: string, onProgress: (progress: DownloadProgress) => void = () => {}): Promise<DownloadOutcome> {
    return download(entry, hostUrl, onProgress);
  },

  /** Cancels a download, in whichever tab runs it; what was verified stays, partial files resume later. */
  cancel(modelId: string): void {
    cancel(modelId);
  },

  /**
   * What the other tabs do with the store (a download's progress and end, a model changed):
   * the page lists their downloads and refreshes its model list from these.
   */
  watch(onEvent: (event: StoreEvent) => void): void {
    onTabEvent((event) => {
      if (event.type !== 'cancel') onEvent(event);
    });
  },

  /**
   * Checks a model's stored files to a depth (see `CheckDepth`). A bad file's bytes are dropped
   * so the next download repairs that file alone. A download of the model (in any tab) ends first.
   */
  check(modelId: string, depth: CheckDepth): Promise<CheckReport> {
    return whileLocked(modelId, () => checkModel(modelId, depth));
  },

  /** Every verified file of a model: path, size, SHA-256 of the stored bytes, when verified. */
  verifiedFiles: readVerifiedFiles,

  /** Reads one verified file's bytes (lazily, from disk) for the side panel. */
  fileBlob: readFileBlob,

  /**
   * Deletes one model: all of its bytes and records, nothing of any other model. A download of
   * it (in any tab) is stopped first and has written its last byte before the delete runs.
   */
  deleteModel(modelId: string): Promise<void> {
    return whileStopped(modelId, () => deleteModelRecords(modelId));
  },

  /** Deletes every model and every byte web-llm's caches hold. */
  async deleteAll(): Promise<void> {
    await allStopped();
    await deleteAllRecords();
    broadcast({ type: 'changed', modelId: '*' });
  },

  /** Deletes every model, the model lists kept from hosts and the trusted library hashes. */
  async forgetAll(): Promise<void> {
    await storeApi.deleteAll();
    const db = await storeDb();
    await db.clear('hostCatalogs');
    await db.clear('trustedLibs');
  },

  /**
   * What the device offers (WebGPU, shader-f16, limits, cores). Probed here, in the small store
   * worker, so the engine worker and its engines (megabytes of code) load only with a model.
   */
  device(): Promise<DeviceReport> {
    return probeDevice();
  },

  /** Usage and quota for this origin, and whether storage is persistent. */
  async storage(): Promise<StorageInfo> {
    const storage = globalThis.navigator?.storage;
    const { usage = 0, quota = 0 } = (await storage?.estimate?.()) ?? {};
    const persisted = (await storage?.persisted?.()) ?? false;
    return { usage, quota, persisted };
  },
};

/** Runs a call, turning anything it throws into the typed error it stands for. */
async function settle<T>(task: () => Promise<T>): Promise<StoreResult<T>> {
  try {
    return { ok: true, value: await task() };
  } catch (error) {
    return { ok: false, error: toStoreError(error) };
  }
}
