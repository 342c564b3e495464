/**
 * The raw limits this browser and link allow, measured in a dedicated worker of the same page
 * (the store runs in one too): each returns elapsed milliseconds. The functions are serialized
 * into the worker, so they only use what they receive.
 */
export interface RawFile {
  url: string;
  size: number;
}

/** Source of the worker that runs one baseline and posts `{ms}` back. */
export const baselineWorkerSource = `
const now = () => performance.now();
async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) await fn(items[next++]); }));
}
function openDb(name) {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('urls', { keyPath: 'url' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
function put(db, value) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('urls', 'readwrite');
    tx.objectStore('urls').put(value);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
}
function get(db, key) {
  return new Promise((resolve, reject) => {
    const r = db.transaction('urls').objectStore('urls').get(key);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
const baselines = {
  // (a) fetch every byte, 4 at a time, store nothing.
  async fetch(files) {
    const t = now();
    await pool(files, 4, async (f) => {
      const reader = (await fetch(f.url, { cache: 'no-store' })).body.getReader();
      for (;;) { const { done } = await reader.read(); if (done) break; }
    });
    return now() - t;
  },
  // (b) write the same bytes to IndexedDB (one ArrayBuffer value per file, as web-llm stores
  // them), no fetch and no hashing in the timed part: each file is fetched first, untimed.
  async idbWrite(files) {
    const db = await openDb('bench-raw');
    let ms = 0;
    for (const f of files) {
      const data = await (await fetch(f.url, { cache: 'no-store' })).arrayBuffer();
      const t = now();
      await put(db, { url: f.url, data });
      ms += now() - t;
    }
    db.close();
    return ms;
  },
  // (e) both at once, as any downloader must: fetch 4 at a time and write each file to
  // IndexedDB as it arrives, with no hashing and no bookkeeping.
  async fetchAndWrite(files) {
    const db = await openDb('bench-raw-pipeline');
    const t = now();
    await pool(files, 4, async (f) => {
      const data = await (await fetch(f.url, { cache: 'no-store' })).arrayBuffer();
      await put(db, { url: f.url, data });
    });
    const ms = now() - t;
    db.close();
    await new Promise((resolve) => { const r = indexedDB.deleteDatabase('bench-raw-pipeline'); r.onsuccess = r.onerror = r.onblocked = resolve; });
    return ms;
  },
  // (f) SHA-256 of the same bytes with WebCrypto (what verification costs, on the worker's thread
  // of control but off its JS thread), each file fetched first, untimed.
  async hash(files) {
    let ms = 0;
    for (const f of files) {
      const data = await (await fetch(f.url, { cache: 'no-store' })).arrayBuffer();
      const t = now();
      await crypto.subtle.digest('SHA-256', data);
      ms += now() - t;
    }
    return ms;
  },
  // (d) read the same bytes back from IndexedDB.
  async idbRead(files) {
    const db = await openDb('bench-raw');
    const t = now();
    let bytes = 0;
    for (const f of files) bytes += (await get(db, f.url)).data.byteLength;
    const ms = now() - t;
    db.close();
    if (bytes !== files.reduce((s, f) => s + f.size, 0)) throw new Error('raw read size mismatch');
    return ms;
  },
  // (c) web-llm's default download: Cache API cache.add, four in parallel, no verification.
  async cacheAdd(files) {
    const cache = await caches.open('bench-webllm-default');
    const t = now();
    await pool(files, 4, (f) => cache.add(new Request(f.url, { cache: 'no-store' })));
    return now() - t;
  },
  async cleanup() {
    await caches.delete('bench-webllm-default');
    await new Promise((resolve) => { const r = indexedDB.deleteDatabase('bench-raw'); r.onsuccess = r.onerror = r.onblocked = resolve; });
    return 0;
  },
};
onmessage = async (e) => {
  try { postMessage({ ms: await baselines[e.data.name](e.data.files) }); }
  catch (error) { postMessage({ error: String(error) }); }
};
`;
