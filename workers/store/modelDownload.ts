import { TypedError, isQuotaExceeded, toStoreError, type QuotaError, type StoreError } from '../shared/errors';
import type { DownloadProgress, FileProgress, FileState } from '../shared/progress';
import { RateWindow } from '../shared/rate';
import { defaultTuning, downloadFile, type DownloadTuning } from './fileDownload';
import type { DownloadOutcome, ModelManifest } from '../shared/storeProtocol';
import { storeDb } from './schema';
import { downloadLimits } from './semaphore';

export interface ModelDownloadOptions {
  signal: AbortSignal;
  onProgress(progress: DownloadProgress): void;
  concurrency?: number;
  tuning?: DownloadTuning;
  /** Minimum ms between progress reports (state changes are always reported). */
  progressIntervalMs?: number;
}

const probeMaxBytes = 16 << 20;

/**
 * Fails early, before any byte is fetched, when the files left cannot fit. `estimate()` is only
 * an estimate (Chrome reports a share of the disk, and ignores DevTools quota overrides), so a
 * real write of up to 16 MB follows it: a browser that refuses that will refuse the model.
 */
async function checkQuota(modelId: string, neededBytes: number): Promise<void> {
  const storage = globalThis.navigator?.storage;
  const { usage = 0, quota = 0 } = (await storage?.estimate?.()) ?? {};
  const availableBytes = Math.max(0, quota - usage);
  const fail = (probeBytes?: number): never => {
    const error: QuotaError = {
      name: 'QuotaError',
      message:
        probeBytes === undefined
          ? `This model needs ${neededBytes} more bytes but the browser allows this site only ${availableBytes} more.`
          : `This model needs ${neededBytes} more bytes; the browser refused to store even ${probeBytes} bytes (it reports ${availableBytes} available).`,
      modelId,
      neededBytes,
      availableBytes: probeBytes === undefined ? availableBytes : 0,
      quotaBytes: quota,
      probeBytes,
    };
    throw new TypedError(error);
  };
  if (storage !== undefined && neededBytes > availableBytes) fail();
  if (neededBytes <= 0) return;
  const probeBytes = Math.min(neededBytes, probeMaxBytes);
  const db = await storeDb();
  const key: [string, string, number] = ['\u0000quota-probe', '', 0];
  try {
    await db.put('chunks', { modelId: key[0], path: key[1], index: 0, data: new Blob([new Uint8Array(probeBytes)]) });
  } catch (error) {
    if (isQuotaExceeded(error)) fail(probeBytes);
    throw error;
  } finally {
    await db.delete('chunks', key).catch(() => {});
  }
}

/**
 * Downloads every file of a manifest that is not verified yet, a bounded number at a time,
 * largest first so the big embedding shard does not finish last alone. A file that fails does
 * not stop the others: a retry then fetches only what is missing.
 */
export async function downloadModel(manifest: ModelManifest, options: ModelDownloadOptions): Promise<DownloadOutcome> {
  const { signal, onProgress } = options;
  const tuning = options.tuning ?? defaultTuning;
  const db = await storeDb();
  const verified = new Set((await db.getAllFromIndex('files', 'byModel', manifest.modelId)).map((f) => f.path));
  const partials = new Map(
    (await db.getAllFromIndex('partials', 'byModel', manifest.modelId)).map((p) => [p.path, p.bytesDone]),
  );
  const files: FileProgress[] = manifest.files.map((f) => ({
    path: f.path,
    state: verified.has(f.path) ? 'verified' : 'queued',
    bytesDone: verified.has(f.path) ? f.size : (partials.get(f.path) ?? 0),
    bytesTotal: Math.max(f.size, 0),
  }));
  const byPath = new Map(files.map((f) => [f.path, f]));
  const todo = manifest.files.filter((f) => !verified.has(f.path)).sort((a, b) => b.size - a.size);

  const rate = new RateWindow();
  const total = (): number => files.reduce((s, f) => s + f.bytesTotal, 0);
  const done = (): number => files.reduce((s, f) => s + f.bytesDone, 0);
  let lastReport = 0;
  const report = (force: boolean): void => {
    const now = performance.now();
    rate.add(now, done());
    if (!force && now - lastReport < (options.progressIntervalMs ?? 150)) return;
    lastReport = now;
    onProgress({
      modelId: manifest.modelId,
      files: files.map((f) => ({ ...f })),
      bytesDone: done(),
      bytesTotal: total(),
      rate: rate.rate(),
      etaSeconds: rate.eta(total()),
    });
  };
  report(true);

  try {
    await checkQuota(manifest.modelId, todo.reduce((s, f) => s + Math.max(f.size, 0) - (partials.get(f.path) ?? 0), 0));
  } catch (error) {
    return { ok: false, errors: [toStoreError(error, manifest.modelId)] };
  }

  const errors: StoreError[] = [];
  // Storage filling up stops every file, not just the one whose write failed.
  const stopAll = new AbortController();
  signal.addEventListener('abort', () => stopAll.abort(signal.reason), { once: true });
  const limits = downloadLimits(Math.max(0, ...todo.map((f) => f.size)), options.concurrency ?? 4);
  // Every file is a task; the shared limits (fetch slots, memory budget, one writer) pace them.
  const task = async (file: (typeof todo)[number]): Promise<void> => {
    const progress = byPath.get(file.path) as FileProgress;
    const setState = (state: FileState): void => {
      progress.state = state;
      report(true);
    };
    try {
      await downloadFile(
        {
          modelId: manifest.modelId,
          repo: manifest.repo,
          file,
          signal: stopAll.signal,
          onBytes(bytes) {
            progress.bytesDone = bytes;
            if (progress.bytesTotal === 0) progress.bytesTotal = bytes;
            report(false);
          },
          onState: setState,
          limits,
        },
        tuning,
      );
    } catch (error) {
      setState('failed');
      if (stopAll.signal.aborted) return;
      const typed = toStoreError(error, manifest.modelId);
      errors.push(typed);
      if (typed.name === 'QuotaError') stopAll.abort();
    }
  };
  await Promise.all(todo.map(task));
  report(true);

  if (signal.aborted) {
    return { ok: false, errors: [{ name: 'AbortedError', message: 'Download cancelled.', modelId: manifest.modelId }] };
  }
  if (errors.length > 0) return { ok: false, errors };
  const model = await db.get('models', manifest.modelId);
  if (model) await db.put('models', { ...model, complete: true, completedAt: Date.now() });
  return { ok: true };
}
