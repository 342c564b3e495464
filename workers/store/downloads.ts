/**
 * The downloads this tab's store runs, and how they share a model with the other tabs: one tab
 * downloads under the model's lock; another that asks for the same model follows its progress
 * and takes over only if that tab goes away without finishing (its lock is released with no
 * end announced).
 */
import type { CatalogEntry } from '../shared/catalog';
import { toStoreError } from '../shared/errors';
import type { DownloadProgress } from '../shared/progress';
import type { DownloadOutcome } from '../shared/storeProtocol';
import { resolveManifest } from './manifest';
import { downloadModel } from './modelDownload';
import { storeDb } from './schema';
import { broadcast, modelLockName, onTabEvent, withLock, withLockIfFree } from './tabs';

interface Running {
  controller: AbortController;
  /** Settles once the download has stopped writing. */
  done: Promise<void>;
}

const running = new Map<string, Running>();

const cancelled = (modelId: string): DownloadOutcome => ({ ok: false, errors: [{ name: 'AbortedError', message: 'Download cancelled.', modelId }] });

// Another tab asks this one to stop a download (its user cancelled or deleted the model).
onTabEvent((event) => {
  if (event.type === 'cancel') running.get(event.modelId)?.controller.abort();
});

/** Resolves (or reuses) the manifest and downloads what is missing; the caller holds the lock. */
async function downloadHere(entry: CatalogEntry, hostUrl: string, signal: AbortSignal, onProgress: (p: DownloadProgress) => void): Promise<DownloadOutcome> {
  try {
    const db = await storeDb();
    const existing = await db.get('models', entry.id);
    // Reuse the manifest recorded at the first download: the hashes used stay the same.
    let manifest = existing?.manifest;
    if (!manifest || manifest.hostUrl !== hostUrl) {
      manifest = await resolveManifest(entry, hostUrl, signal);
      signal.throwIfAborted();
      await db.put('models', { id: entry.id, entry, manifest, complete: false, startedAt: Date.now() });
    }
    return await downloadModel(manifest, { signal, onProgress });
  } catch (error) {
    return signal.aborted ? cancelled(entry.id) : { ok: false, errors: [toStoreError(error, entry.id)] };
  }
}

async function underLock(entry: CatalogEntry, hostUrl: string, signal: AbortSignal, onProgress: (p: DownloadProgress) => void): Promise<DownloadOutcome> {
  const outcome = await downloadHere(entry, hostUrl, signal, (progress) => {
    onProgress(progress);
    broadcast({ type: 'progress', progress });
  });
  broadcast({ type: 'ended', modelId: entry.id, outcome });
  broadcast({ type: 'changed', modelId: entry.id });
  return outcome;
}

/** Downloads a model here, or follows the tab that already is (see the module comment). */
export async function download(entry: CatalogEntry, hostUrl: string, onProgress: (p: DownloadProgress) => void): Promise<DownloadOutcome> {
  if (running.has(entry.id)) {
    return { ok: false, errors: [{ name: 'StorageError', message: 'This model is already downloading.', modelId: entry.id }] };
  }
  const controller = new AbortController();
  let finished!: () => void;
  running.set(entry.id, { controller, done: new Promise((resolve) => (finished = resolve)) });
  let followed: DownloadOutcome | undefined;
  const stopFollowing = onTabEvent((event) => {
    if (event.type === 'progress' && event.progress.modelId === entry.id) onProgress(event.progress);
    if (event.type === 'ended' && event.modelId === entry.id) followed = event.outcome;
  });
  try {
    const here = await withLockIfFree(modelLockName(entry.id), () => underLock(entry, hostUrl, controller.signal, onProgress));
    if (here) return here;
    // Another tab is downloading it: follow, and take over only if it vanished unfinished.
    return await withLock(modelLockName(entry.id), controller.signal, async () => {
      // Its end is announced before its lock is released; let that message arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (followed && !followed.ok) return followed;
      stopFollowing();
      return underLock(entry, hostUrl, controller.signal, onProgress);
    });
  } catch (error) {
    if (followed && !followed.ok) return followed;
    return controller.signal.aborted ? cancelled(entry.id) : { ok: false, errors: [toStoreError(error, entry.id)] };
  } finally {
    stopFollowing();
    running.delete(entry.id);
    finished();
  }
}

/** Stops a download of this model in whichever tab runs it. */
export function cancel(modelId: string): void {
  running.get(modelId)?.controller.abort();
  broadcast({ type: 'cancel', modelId });
}

/** Stops every download of this tab. */
export function cancelAll(): void {
  for (const id of running.keys()) cancel(id);
}

/**
 * Runs `task` once no tab downloads the model: asks the download to stop, waits for it to have
 * stopped writing (here, and under the model's lock in any tab), then holds the lock so none
 * starts meanwhile. A delete or repair never races a download's last writes.
 */
export async function whileStopped<T>(modelId: string, task: () => Promise<T>): Promise<T> {
  cancel(modelId);
  await running.get(modelId)?.done;
  return whileLocked(modelId, task);
}

/** Runs `task` holding the model's lock (after any download of it ends), then tells the other tabs. */
export async function whileLocked<T>(modelId: string, task: () => Promise<T>): Promise<T> {
  const result = await withLock(modelLockName(modelId), undefined, task);
  broadcast({ type: 'changed', modelId });
  return result;
}

/** Waits for every download of this tab to stop. */
export async function allStopped(): Promise<void> {
  cancelAll();
  await Promise.all([...running.values()].map((r) => r.done));
}
