import { proxy, wrap, type Remote } from 'comlink';
import type { CatalogEntry } from '../../workers/shared/catalog';
import type { DeviceReport } from '../../workers/shared/device';
import type { DownloadProgress } from '../../workers/shared/progress';
import type {
  CachedModel,
  CatalogResult,
  CheckDepth,
  CheckReport,
  DownloadOutcome,
  ExportManifest,
  ImportProgress,
  ImportResult,
  ImportSource,
  ModelManifest,
  RepoInspection,
  StorageInfo,
  StoreApi,
  StoreEvent,
  StoreResult,
  VerifiedFileInfo,
} from '../../workers/shared/storeProtocol';

export type { VerifiedFileInfo };

/**
 * Owns the store worker: started on first use, one method per call, downloads that stop with an
 * AbortSignal, terminate. The page calls these methods; nothing else touches the worker.
 */
export class StoreBridge {
  #worker: Worker | undefined;
  #api: Remote<StoreApi> | undefined;

  get #remote(): Remote<StoreApi> {
    if (!this.#api) {
      this.#worker = new Worker(new URL('../../workers/store/store.worker.ts', import.meta.url), { type: 'module', name: 'hearth-store' });
      this.#api = wrap<StoreApi>(this.#worker);
    }
    return this.#api;
  }

  /** The model list for a host (its own, the built-in one, and what is stored), and any host problem. */
  catalog(hostUrl: string, options: { refresh?: boolean } = {}): Promise<CatalogResult> {
    return this.#remote.catalog(hostUrl, options);
  }

  /** Every model with bytes on this device. */
  models(): Promise<CachedModel[]> {
    return this.#remote.models();
  }

  /** Usage, quota and persistence. */
  storage(): Promise<StorageInfo> {
    return this.#remote.storage();
  }

  /** What the device offers (WebGPU, shader-f16, cores), probed in the worker. */
  device(): Promise<DeviceReport> {
    return this.#remote.device();
  }

  /** Downloads what is missing of a model, verifying every file; `signal` cancels it. */
  async download(entry: CatalogEntry, hostUrl: string, onProgress: (progress: DownloadProgress) => void, signal?: AbortSignal): Promise<DownloadOutcome> {
    const cancel = (): void => void this.#remote.cancel(entry.id);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await this.#remote.download(entry, hostUrl, proxy(onProgress));
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Cancels a model's download, in whichever tab runs it. */
  cancel(modelId: string): Promise<void> {
    return this.#remote.cancel(modelId);
  }

  /** Calls `onEvent` for what other tabs do with the store (progress, a download's end, a change). */
  watch(onEvent: (event: StoreEvent) => void): Promise<void> {
    return this.#remote.watch(proxy(onEvent));
  }

  /** Checks a model's stored files to a depth; damaged ones are dropped for repair. */
  check(modelId: string, depth: CheckDepth): Promise<CheckReport> {
    return this.#remote.check(modelId, depth);
  }

  /** The manifest a model was downloaded against. */
  manifest(modelId: string): Promise<ModelManifest | undefined> {
    return this.#remote.manifest(modelId);
  }

  /** Every verified file of a model with its hash. */
  verifiedFiles(modelId: string): Promise<VerifiedFileInfo[]> {
    return this.#remote.verifiedFiles(modelId);
  }

  /** One verified file's bytes. */
  fileBlob(modelId: string, path: string): Promise<Blob | undefined> {
    return this.#remote.fileBlob(modelId, path);
  }

  /** Deletes one model's bytes and records. */
  deleteModel(modelId: string): Promise<void> {
    return this.#remote.deleteModel(modelId);
  }

  /** Deletes every model. */
  deleteAll(): Promise<void> {
    return this.#remote.deleteAll();
  }

  /** Deletes every model and the model lists kept from hosts. */
  forgetAll(): Promise<void> {
    return this.#remote.forgetAll();
  }

  /** What a repository on the model host offers, pinned at the commit its revision resolves to. */
  inspectRepo(input: string, hostUrl: string): Promise<StoreResult<RepoInspection>> {
    return this.#remote.inspectRepo(input, hostUrl);
  }

  /** Saves an entry a repository offered. */
  saveAddedEntry(entry: CatalogEntry): Promise<StoreResult<CatalogEntry>> {
    return this.#remote.saveAddedEntry(entry);
  }

  /** Removes an added entry and its stored bytes. */
  removeAddedEntry(id: string): Promise<void> {
    return this.#remote.removeAddedEntry(id);
  }

  /** Imports picked or dropped files (a GGUF, a split GGUF's parts, an MLC folder). */
  importFiles(sources: ImportSource[], hostUrl: string, onProgress: (progress: ImportProgress) => void): Promise<StoreResult<ImportResult>> {
    return this.#remote.importFiles(sources, hostUrl, proxy(onProgress));
  }

  /** Attaches a model card or licence file to a stored model. */
  attachDocument(modelId: string, role: 'model-card' | 'licence', source: ImportSource): Promise<StoreResult<null>> {
    return this.#remote.attachDocument(modelId, role, source);
  }

  /** The manifest written beside a model's exported files. */
  exportManifest(modelId: string, app: string): Promise<ExportManifest | undefined> {
    return this.#remote.exportManifest(modelId, app);
  }

  /** Ends the worker; a later call starts a fresh one. */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#api = undefined;
  }
}
