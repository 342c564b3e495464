/** Resuming downloads: complete partials, clean-but-short bodies, hasher states, 429 Retry-After. */
import { expect } from 'vitest';
import { bytesRequests, download, entryOf, failPuts, storeKeys, storedSha256, test } from './storeHarness';

const gguf = 'tiny-llama-f32.gguf';

test('a drop after the last byte resumes to verified (no Range past the end, no 416)', async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-GGUF');
  const size = entry.files.find((f) => f.path === gguf)!.size!;
  host.setFault({ kind: 'drop-after', path: gguf, bytes: size, times: 1 });
  const outcome = await download(store, entry, host);
  expect(outcome).toEqual({ ok: true });
  expect(bytesRequests(host, gguf).filter((r) => r.status === 416)).toEqual([]);
  expect(await storedSha256(store, entry.id, gguf)).toBe(entry.files.find((f) => f.path === gguf)!.sha256);
});

test('a partial whose bytes are all stored (the tab closed before the file was recorded) completes without fetching it again', async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-GGUF');
  // The tab dies between the last chunk and the verified record: that write never happens.
  const restore = failPuts('files', 1, 1, (value) => (value as { path?: string }).path === gguf);
  const first = await download(store, entry, host).finally(restore);
  expect(first.ok).toBe(false);
  expect((await storeKeys('partials')).some((k) => k.endsWith(gguf))).toBe(true);

  host.clearRequests();
  const second = await download(store, entry, host);
  expect(second).toEqual({ ok: true });
  expect(bytesRequests(host, gguf)).toEqual([]);
  expect(await storedSha256(store, entry.id, gguf)).toBe(entry.files.find((f) => f.path === gguf)!.sha256);
});

test('a body that ends cleanly but short resumes with Range from where it stopped', async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-GGUF');
  host.setFault({ kind: 'short-body', path: gguf, bytes: 200_000, times: 1 });
  const outcome = await download(store, entry, host);
  expect(outcome).toEqual({ ok: true });
  const requests = bytesRequests(host, gguf);
  expect(requests).toHaveLength(2);
  expect(requests[1].range).toBe('bytes=200000-');
  expect(await storedSha256(store, entry.id, gguf)).toBe(entry.files.find((f) => f.path === gguf)!.sha256);
});

test('a partial whose saved hasher state cannot be loaded resumes from its stored bytes', async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-GGUF');
  host.setFault({ kind: 'slow', path: gguf, bytesPerSecond: 400_000 });
  const running = download(store, entry, host);
  // Wait for a chunk with its hasher state, then stop (as a closed tab would).
  for (let i = 0; i < 200 && !(await storeKeys('partials')).some((k) => k.endsWith(gguf)); i++) await new Promise((r) => setTimeout(r, 25));
  store.cancel(entry.id);
  await running;
  host.clearFaults();
  // A hash-wasm of another version saved a state this one cannot read.
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open('hearth-store');
    r.onsuccess = () => resolve(r.result);
  });
  const kept = await new Promise<{ bytesDone: number }>((resolve) => {
    const tx = db.transaction('partials', 'readwrite');
    const get = tx.objectStore('partials').get([entry.id, gguf]);
    get.onsuccess = () => {
      const partial = get.result;
      partial.hashState = new Uint8Array([1, 2, 3, 4, 5]);
      tx.objectStore('partials').put(partial);
      tx.oncomplete = () => resolve(partial);
    };
  });
  db.close();
  expect(kept.bytesDone).toBeGreaterThan(0);

  host.clearRequests();
  const outcome = await download(store, entry, host);
  expect(outcome).toEqual({ ok: true });
  // The bytes were kept: the hash was rebuilt from them and the download went on from there.
  expect(bytesRequests(host, gguf)[0].range).toBe(`bytes=${kept.bytesDone}-`);
  expect(await storedSha256(store, entry.id, gguf)).toBe(entry.files.find((f) => f.path === gguf)!.sha256);
});

test('a 429 waits for Retry-After before asking again', async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-GGUF');
  host.setFault({ kind: 'rate-limit', path: gguf, retryAfter: 2, times: 1 });
  const outcome = await download(store, entry, host);
  expect(outcome).toEqual({ ok: true });
  const hub = host.requests.filter((r) => r.file === gguf && r.hop === 'hub');
  expect(hub[0].status).toBe(429);
  expect(hub[1].at - hub[0].at).toBeGreaterThanOrEqual(1900);
});
