/**
 * What the soak checks after every download, read in the page straight from IndexedDB (not
 * through the store's own code): every file recorded verified re-hashes to what the host
 * really serves, nothing is stored for a model the app does not list, and the bytes the app
 * reports equal the bytes stored.
 */
import type { Page } from '@playwright/test';

/** Truth from the host: the SHA-256 of every file it serves, by model id and path. */
export type Truth = Record<string, Record<string, string>>;

export interface StoreState {
  /** Problems found; empty when every invariant holds. */
  violations: string[];
  /** Model id -> whether the app lists it as complete. */
  complete: Record<string, boolean>;
}

/** Reads and checks the store in the page (functions sent to the page use only their arguments). */
export async function checkStore(page: Page, truth: Truth): Promise<StoreState> {
  return page.evaluate(async (truth) => {
    const violations: string[] = [];
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const all = <T,>(db: IDBDatabase, store: string) =>
      new Promise<{ key: IDBValidKey; value: T }[]>((resolve, reject) => {
        if (!db.objectStoreNames.contains(store)) return resolve([]);
        const out: { key: IDBValidKey; value: T }[] = [];
        const r = db.transaction(store).objectStore(store).openCursor();
        r.onsuccess = () => {
          const c = r.result;
          if (!c) return resolve(out);
          out.push({ key: c.primaryKey, value: c.value as T });
          c.continue();
        };
        r.onerror = () => reject(r.error);
      });
    const hex = async (data: ArrayBuffer) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
    type Target = { kind: string; scope?: string; key?: string };
    type Model = { id: string; complete: boolean; manifest: { files: { path: string; role: string; target: Target }[] } };
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes('hearth-store')) return { violations, complete: {} };
    const db = await open('hearth-store');
    const models = await all<Model>(db, 'models');
    const files = await all<{ modelId: string; path: string; sha256: string; size: number; file: { role: string; target: Target } }>(db, 'files');
    const chunks = await all<{ modelId: string; path: string; data: Blob }>(db, 'chunks');
    const partials = await all<{ modelId: string; path: string; bytesDone: number }>(db, 'partials');
    db.close();
    const webllm: Record<string, Map<string, unknown>> = {};
    for (const scope of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
      webllm[scope] = new Map();
      if (!names.includes(scope)) continue;
      const w = await open(scope);
      for (const { value } of await all<{ url: string; data: unknown }>(w, 'urls')) webllm[scope].set(value.url, value.data);
      w.close();
    }
    const listed = new Map(models.map((m) => [m.value.id, m.value]));
    const owned = new Set<string>();
    for (const m of listed.values()) for (const f of m.manifest.files) owned.add(f.target.kind === 'webllm' ? `${f.target.scope} ${f.target.key}` : `${m.id}|${f.path}`);

    // No file recorded verified with other bytes.
    for (const { value: f } of files) {
      if (!listed.has(f.modelId)) violations.push(`verified record of ${f.modelId}/${f.path}, a model the app does not list`);
      let bytes: ArrayBuffer | null = null;
      if (f.file.target.kind === 'webllm') {
        const data = webllm[f.file.target.scope!]?.get(f.file.target.key!);
        if (data === undefined) violations.push(`${f.modelId}/${f.path} recorded verified but not in ${f.file.target.scope}`);
        else if (data instanceof ArrayBuffer) bytes = data;
      } else {
        const parts = chunks.filter((c) => c.value.modelId === f.modelId && c.value.path === f.path).map((c) => c.value.data);
        bytes = await new Blob(parts).arrayBuffer();
      }
      if (!bytes) continue; // tensor-cache.json is kept parsed, as web-llm wants it
      const actual = await hex(bytes);
      if (bytes.byteLength !== f.size) violations.push(`${f.modelId}/${f.path} recorded verified with ${f.size} bytes but ${bytes.byteLength} stored`);
      if (actual !== f.sha256) violations.push(`${f.modelId}/${f.path} recorded verified but its stored bytes hash to ${actual}`);
      const expected = truth[f.modelId]?.[f.path];
      if (expected && expected !== actual) violations.push(`${f.modelId}/${f.path} recorded verified with bytes the host does not serve`);
    }
    // No orphans: every stored byte belongs to a listed model.
    for (const { value: c } of chunks) if (!owned.has(`${c.modelId}|${c.path}`) && !listed.get(c.modelId)?.manifest.files.some((f) => f.path === c.path)) violations.push(`orphan chunk ${c.modelId}/${c.path}`);
    for (const { value: p } of partials) if (!listed.has(p.modelId)) violations.push(`orphan partial ${p.modelId}/${p.path}`);
    for (const [scope, records] of Object.entries(webllm)) for (const url of records.keys()) if (!owned.has(`${scope} ${url}`)) violations.push(`orphan ${scope} record ${url}`);

    // The bytes the app reports equal the bytes stored.
    const store = (globalThis as unknown as { hearthStore: { models(): Promise<{ id: string; bytesOnDisk: number; complete: boolean }[]> } }).hearthStore;
    const reported = await store.models();
    const reportedBytes = reported.reduce((s, m) => s + m.bytesOnDisk, 0);
    let storedBytes = 0;
    for (const { value: c } of chunks) if (listed.has(c.modelId)) storedBytes += c.data.size;
    for (const { value: f } of files) if (f.file.target.kind === 'webllm') storedBytes += f.size;
    if (reportedBytes !== storedBytes) violations.push(`the app reports ${reportedBytes} bytes, the store holds ${storedBytes}`);
    return { violations, complete: Object.fromEntries(reported.map((m) => [m.id, m.complete])) };
  }, truth);
}
