import { createSHA256 } from 'hash-wasm';
import type { DeviceReport } from '../shared/device';
import { probeDevice } from '../shared/deviceProbe';
import { builtinCatalog } from '../catalog/catalog';
import type { CatalogEntry } from '../shared/catalog';
import { toStoreError } from '../shared/errors';
import type { CatalogResult } from '../shared/hostStatus';
import type { DownloadProgress } from '../shared/progress';
import { sha256Hex } from './hashing';
import { readHostCatalog } from './hostCatalog';
import type { CachedModel, CheckDepth, CheckReport, DownloadOutcome, ModelManifest, StorageInfo, WebllmScope } from '../shared/storeProtocol';
import { resolveManifest } from './manifest';
import { downloadModel } from './modelDownload';
import { chunkRange, storeDb } from './schema';
import { presenceProblem, readFileBlob, readManifest, readVerifiedFiles } from './storeReader';
import { clearWebllmCaches, deleteWebllmRecords, getWebllmRecord } from './webllmCache';

const downloads = new Map<string, AbortController>();

async function summarize(modelId: string): Promise<CachedModel | undefined> {
  const db = await storeDb();
  const model = await db.get('models', modelId);
  if (!model) return undefined;
  const files = await db.getAllFromIndex('files', 'byModel', modelId);
  const partials = await db.getAllFromIndex('partials', 'byModel', modelId);
  return {
    id: model.id,
    displayName: model.entry.displayName,
    complete: model.complete && files.length === model.manifest.files.length,
    bytesOnDisk: files.reduce((s, f) => s + f.size, 0) + partials.reduce((s, p) => s + p.bytesDone, 0),
    filesVerified: files.length,
    filesTotal: model.manifest.files.length,
    verifiedAt: files.length ? Math.max(...files.map((f) => f.verifiedAt)) : null,
    revision: model.manifest.revision,
    hostUrl: model.manifest.hostUrl,
    hashesFrom: model.manifest.hashesFrom,
    test: model.entry.test === true,
  };
}

async function dropVerified(modelId: string, path: string, manifest: ModelManifest): Promise<void> {
  const db = await storeDb();
  const file = manifest.files.find((f) => f.path === path);
  if (file?.target.kind === 'webllm') await deleteWebllmRecords(file.target.scope, [file.target.key]);
  const tx = db.transaction(['files', 'chunks', 'partials', 'models'], 'readwrite');
  const model = await tx.objectStore('models').get(modelId);
  await Promise.all([
    tx.objectStore('files').delete([modelId, path]),
    tx.objectStore('chunks').delete(chunkRange(modelId, path)),
    tx.objectStore('partials').delete([modelId, path]),
    model ? tx.objectStore('models').put({ ...model, complete: false }) : Promise.resolve(),
    tx.done,
  ]);
}

async function hashBlobs(blobs: Blob[]): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  for (const blob of blobs) hasher.update(new Uint8Array(await blob.arrayBuffer()));
  return hasher.digest('hex');
}

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
    const stored = (await (await storeDb()).getAll('models')).map((m) => m.entry).filter((e) => !ids.has(e.id));
    return { hosted, builtin, stored, problem };
  },

  /** Every model with bytes in the store. */
  async models(): Promise<CachedModel[]> {
    const db = await storeDb();
    const ids = await db.getAllKeys('models');
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
   * Downloads what is missing of a model (all of it the first time), verifying every file.
   * Resumes partial files. Progress is reported through `onProgress`.
   */
  async download(
    entry: CatalogEntry,
    hostUrl: string,
    onProgress: (progress: DownloadProgress) => void,
  ): Promise<DownloadOutcome> {
    if (downloads.has(entry.id)) {
      return { ok: false, errors: [{ name: 'StorageError', message: 'This model is already downloading.', modelId: entry.id }] };
    }
    const controller = new AbortController();
    downloads.set(entry.id, controller);
    try {
      const db = await storeDb();
      const existing = await db.get('models', entry.id);
      // Reuse the manifest recorded at the first download: the hashes used stay the same.
      let manifest = existing?.manifest;
      if (!manifest || manifest.hostUrl !== hostUrl) {
        manifest = await resolveManifest(entry, hostUrl, controller.signal);
        await db.put('models', { id: entry.id, entry, manifest, complete: false, startedAt: Date.now() });
      }
      return await downloadModel(manifest, {
        signal: controller.signal,
        onProgress,
      });
    } catch (error) {
      if (controller.signal.aborted) {
        return { ok: false, errors: [{ name: 'AbortedError', message: 'Download cancelled.', modelId: entry.id }] };
      }
      return { ok: false, errors: [toStoreError(error, entry.id)] };
    } finally {
      downloads.delete(entry.id);
    }
  },

  /** Cancels a running download; what was verified stays, partial files resume later. */
  cancel(modelId: string): void {
    downloads.get(modelId)?.abort();
  },

  /**
   * Checks a model's stored files to a depth (see `CheckDepth`). A bad file's bytes are dropped
   * so the next download repairs that file alone.
   */
  async check(modelId: string, depth: CheckDepth): Promise<CheckReport> {
    const started = performance.now();
    const db = await storeDb();
    const model = await db.get('models', modelId);
    if (!model) return { modelId, ok: false, bad: [{ path: '*', reason: 'not downloaded' }], depth, bytesChecked: 0, ms: 0 };
    const verified = new Map((await db.getAllFromIndex('files', 'byModel', modelId)).map((f) => [f.path, f]));
    const bad: CheckReport['bad'] = [];
    let bytesChecked = 0;
    for (const file of model.manifest.files) {
      const record = verified.get(file.path);
      let reason = await presenceProblem(modelId, file, record);
      if (!reason && record && depth !== 'presence') {
        if (file.target.kind === 'webllm') {
          const data = await getWebllmRecord(file.target.scope, file.target.key);
          if (data instanceof ArrayBuffer) {
            if (data.byteLength !== record.size) reason = `size ${data.byteLength}, expected ${record.size}`;
            else if (depth === 'hash' && (await sha256Hex(new Uint8Array(data))) !== record.sha256) reason = 'hash mismatch';
            bytesChecked += data.byteLength;
          }
        } else {
          const chunks = await db.getAll('chunks', chunkRange(modelId, file.path));
          if (depth === 'hash' && (await hashBlobs(chunks.map((c) => c.data))) !== record.sha256) reason = 'hash mismatch';
          bytesChecked += record.size;
        }
      }
      if (reason) bad.push({ path: file.path, reason });
    }
    for (const { path, reason } of bad) if (reason !== 'missing') await dropVerified(modelId, path, model.manifest);
    return { modelId, ok: bad.length === 0, bad, depth, bytesChecked, ms: performance.now() - started };
  },

  /** Every verified file of a model: path, size, SHA-256 of the stored bytes, when verified. */
  verifiedFiles: readVerifiedFiles,

  /** Reads one verified file's bytes (lazily, from disk) for the side panel. */
  fileBlob: readFileBlob,

  /** Deletes one model: all of its bytes and records, nothing of any other model. */
  async deleteModel(modelId: string): Promise<void> {
    downloads.get(modelId)?.abort();
    const db = await storeDb();
    const model = await db.get('models', modelId);
    if (model) {
      const byScope = new Map<WebllmScope, string[]>();
      for (const f of model.manifest.files) {
        if (f.target.kind !== 'webllm') continue;
        byScope.set(f.target.scope, [...(byScope.get(f.target.scope) ?? []), f.target.key]);
      }
      for (const [scope, keys] of byScope) await deleteWebllmRecords(scope, keys);
    }
    const range = IDBKeyRange.bound([modelId], [modelId, []]);
    const tx = db.transaction(['models', 'files', 'partials', 'chunks'], 'readwrite');
    await Promise.all([
      tx.objectStore('models').delete(modelId),
      tx.objectStore('files').delete(range),
      tx.objectStore('partials').delete(range),
      tx.objectStore('chunks').delete(range),
      tx.done,
    ]);
  },

  /** Deletes every model and every byte web-llm's caches hold. */
  async deleteAll(): Promise<void> {
    for (const controller of downloads.values()) controller.abort();
    const db = await storeDb();
    const tx = db.transaction(['models', 'files', 'partials', 'chunks'], 'readwrite');
    await Promise.all([
      tx.objectStore('models').clear(),
      tx.objectStore('files').clear(),
      tx.objectStore('partials').clear(),
      tx.objectStore('chunks').clear(),
      tx.done,
    ]);
    await clearWebllmCaches();
  },

  /** Deletes every model and the model lists kept from hosts: nothing of any host stays. */
  async forgetAll(): Promise<void> {
    await storeApi.deleteAll();
    await (await storeDb()).clear('hostCatalogs');
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
