/**
 * The store worker's real code in Node: a fresh fake-indexeddb per test (the store's modules are
 * re-imported so their cached connections point at it), the Hugging Face–like test host, and
 * readers of what the store holds. Browser-only behaviour (several tabs, real quota, CSP) is
 * tested in tests/e2e.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { test as base, vi } from 'vitest';
import type { CatalogEntry } from '../../../workers/shared/catalog';
import type { DownloadProgress } from '../../../workers/shared/progress';
import { sha256 } from '../../fixtures/sha256';
import { defaultTestRepos, startModelHost, type ModelHost, type StartModelHostOptions, type TestRepo } from '../../fixtures/modelHost';

export type StoreApi = (typeof import('../../../workers/store/storeApi'))['storeApi'];

/**
 * `test` with a fresh Hugging Face–like host and a fresh, empty store for each test that asks
 * for them (`async ({ host, store }) => ...`); the host is closed after the test, pass or fail.
 */
export const test = base.extend<{ host: ModelHost; store: StoreApi }>({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const host = await startHfHost();
    await use(host);
    await host.close();
  },
  // eslint-disable-next-line no-empty-pattern
  store: async ({}, use) => {
    await use(await freshStore());
  },
});

/** A fresh, empty store (its own IndexedDB) running the worker's code. */
export async function freshStore(): Promise<StoreApi> {
  globalThis.indexedDB = new IDBFactory();
  vi.resetModules();
  return (await import('../../../workers/store/storeApi')).storeApi;
}

/** The Hugging Face–like host (CDN hop, paginated tree, unpinned entries) with the tiny models. */
export function startHfHost(options: Partial<StartModelHostOptions> & { extraRepos?: TestRepo[] } = {}): Promise<ModelHost> {
  return startModelHost({ port: 0, repos: [...defaultTestRepos(), ...(options.extraRepos ?? [])], huggingFace: options.huggingFace ?? true });
}

export async function entryOf(host: ModelHost, id: string): Promise<CatalogEntry> {
  const entry = (await host.catalog()).find((e) => e.id === id);
  if (!entry) throw new Error(`no entry ${id}`);
  return entry;
}

/** Downloads through the store's API, keeping every progress report. */
export async function download(store: StoreApi, entry: CatalogEntry, host: ModelHost, reports: DownloadProgress[] = []) {
  return store.download(entry, host.url, (p) => reports.push(p));
}

export { sha256 };

/** SHA-256 of the bytes the store would hand an engine for one file. */
export async function storedSha256(store: StoreApi, modelId: string, path: string): Promise<string | undefined> {
  const blob = await store.fileBlob(modelId, path);
  return blob ? sha256(await blob.arrayBuffer()) : undefined;
}

/** Requests for one file's bytes (on whichever hop served them). */
export function bytesRequests(host: ModelHost, path: string) {
  return host.requests.filter((r) => r.file === path && (r.hop === 'cdn' || r.path.includes('/api/resolve-cache/') || !host.cdnUrl));
}

/** Every key of one object store of `hearth-store`, joined with `|`. */
export async function storeKeys(name: string): Promise<string[]> {
  // Opening a database that does not exist would create it, empty, under the store's feet.
  if (!(await indexedDB.databases()).some((d) => d.name === 'hearth-store')) return [];
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('hearth-store');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    if (!db.objectStoreNames.contains(name)) return [];
    return await new Promise((resolve, reject) => {
      const r = db.transaction(name).objectStore(name).getAllKeys();
      r.onsuccess = () => resolve(r.result.map((k) => (Array.isArray(k) ? k.join('|') : String(k))));
      r.onerror = () => reject(r.error);
    });
  } finally {
    db.close();
  }
}

/**
 * Makes `put` on one object store throw like a full disk, from the `after`-th call on, `times`
 * times. The browser reports a full disk as a QuotaExceededError DOMException.
 */
export function failPuts(storeName: string, after: number, times = Infinity, match: (value: unknown) => boolean = () => true): () => void {
  const proto = IDBObjectStore.prototype;
  const original = proto.put;
  let calls = 0;
  let failed = 0;
  proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === storeName && match(args[0]) && ++calls >= after && failed < times) {
      failed++;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return original.apply(this, args);
  } as IDBObjectStore['put'];
  return () => {
    proto.put = original;
  };
}
