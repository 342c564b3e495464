/** The model library (compiled code web-llm runs) is verified like the weights. */
import { expect } from 'vitest';
import type { CatalogEntry } from '../../../workers/shared/catalog';
import { download, entryOf, test } from './storeHarness';

const lib = 'tiny-llama-webgpu.wasm';

test("a library the model host serves is checked against the host's listing: a flipped byte is refused", async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-MLC-unpinned');
  expect(entry.modelLib?.url).toContain('/resolve/main/');
  host.setFault({ kind: 'corrupt-byte', path: lib });
  const outcome = await download(store, entry, host);
  expect(outcome.ok).toBe(false);
  const errors = outcome.ok ? [] : outcome.errors;
  expect(errors.map((e) => [e.name, 'path' in e ? e.path : ''])).toEqual([['IntegrityError', lib]]);
  // The rest of the model is kept; the library alone is fetched again once the host is fixed.
  host.clearFaults();
  expect(await download(store, entry, host)).toEqual({ ok: true });
  const manifest = await store.manifest(entry.id);
  const row = manifest?.files.find((f) => f.role === 'model-lib');
  expect(row?.trust).toBe('host');
  expect(row?.url).toMatch(/\/resolve\/[0-9a-f]{40}\//);
});

test('a library with no pinned hash is trusted on first use; a changed one is refused later; the stored one is re-checked at load', async ({ host, store }) => {
  const pinned = await entryOf(host, 'Tiny-Llama-MLC');
  // Like the built-in entries: an absolute URL elsewhere, no hash.
  const entry: CatalogEntry = { ...pinned, modelLib: { url: new URL(pinned.modelLib!.url, host.url).href } };
  expect(await download(store, entry, host)).toEqual({ ok: true });
  const files = await store.verifiedFiles(entry.id);
  expect(files.find((f) => f.role === 'model-lib')?.trust).toBe('first-use');
  expect(files.find((f) => f.role === 'model-lib')?.sha256).toBe(pinned.modelLib!.sha256);

  // The library changes on its host: a new download of the model refuses it.
  await store.deleteModel(entry.id);
  host.setFault({ kind: 'corrupt-byte', path: lib });
  const outcome = await download(store, entry, host);
  const errors = outcome.ok ? [] : outcome.errors;
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ name: 'IntegrityError', path: lib, trust: 'first-use', expectedSha256: pinned.modelLib!.sha256 });
  host.clearFaults();
  expect(await download(store, entry, host)).toEqual({ ok: true });

  // A byte of the stored library flipped on disk: the load-time check finds it.
  const manifest = await store.manifest(entry.id);
  const key = manifest!.modelLibUrl!;
  await new Promise<void>((resolve) => {
    const r = indexedDB.open('webllm/wasm');
    r.onsuccess = () => {
      const tx = r.result.transaction('urls', 'readwrite');
      const get = tx.objectStore('urls').get(key);
      get.onsuccess = () => {
        const data = new Uint8Array(get.result.data as ArrayBuffer);
        data[10] ^= 0xff;
        tx.objectStore('urls').put({ url: key, data: data.buffer });
      };
      tx.oncomplete = () => {
        r.result.close();
        resolve();
      };
    };
  });
  const report = await store.check(entry.id, 'presence');
  expect(report.bad).toEqual([{ path: lib, reason: 'the model library changed since it was verified' }]);
});
