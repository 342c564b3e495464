import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { WebllmScope } from '../shared/storeProtocol';

/**
 * web-llm 0.2.86's own IndexedDB layout (cacheBackend "indexeddb"): one database per scope,
 * named after it, version 1, one store `urls` keyed by `url`. We write verified bytes here so
 * that web-llm finds them and makes no request. Never bump the version: web-llm opens v1.
 */
interface WebllmCacheSchema extends DBSchema {
  urls: { key: string; value: { url: string; data: ArrayBuffer | unknown } };
}

const connections = new Map<WebllmScope, Promise<IDBPDatabase<WebllmCacheSchema>>>();

function open(scope: WebllmScope): Promise<IDBPDatabase<WebllmCacheSchema>> {
  let db = connections.get(scope);
  if (!db) {
    db = openDB<WebllmCacheSchema>(scope, 1, {
      upgrade(database) {
        if (!database.objectStoreNames.contains('urls')) {
          database.createObjectStore('urls', { keyPath: 'url' });
        }
      },
      blocking() {
        void db?.then((d) => d.close());
        connections.delete(scope);
      },
    });
    connections.set(scope, db);
  }
  return db;
}

/** Puts one verified file where web-llm looks for it. */
export async function putWebllmRecord(
  scope: WebllmScope,
  url: string,
  data: ArrayBuffer | unknown,
): Promise<void> {
  await (await open(scope)).put('urls', { url, data });
}

/** Whether web-llm's cache holds a record for this URL. */
export async function hasWebllmRecord(scope: WebllmScope, url: string): Promise<boolean> {
  return (await (await open(scope)).getKey('urls', url)) !== undefined;
}

/** Reads one record's data back (ArrayBuffer, or the parsed JSON for tensor-cache.json). */
export async function getWebllmRecord(scope: WebllmScope, url: string): Promise<unknown> {
  return (await (await open(scope)).get('urls', url))?.data;
}

/** Deletes the records of the given URLs, and nothing else. */
export async function deleteWebllmRecords(scope: WebllmScope, urls: string[]): Promise<void> {
  if (urls.length === 0) return;
  const tx = (await open(scope)).transaction('urls', 'readwrite');
  await Promise.all([...urls.map((u) => tx.store.delete(u)), tx.done]);
}

/** Every scope web-llm uses, for "delete all". */
export const webllmScopes: WebllmScope[] = ['webllm/model', 'webllm/config', 'webllm/wasm'];

/** Empties every web-llm scope. */
export async function clearWebllmCaches(): Promise<void> {
  for (const scope of webllmScopes) await (await open(scope)).clear('urls');
}
