/** A full disk mid-download, and a delete while a download runs. */
import { expect, onTestFinished, vi } from 'vitest';
import type { DownloadProgress } from '../../../workers/shared/progress';
import { download, entryOf, failPuts, storeKeys, storedSha256, test } from './storeHarness';

const gguf = 'tiny-llama-f32.gguf';

test('a full disk mid-file is a QuotaError: nothing recorded verified with a hole, the download stops, a retry completes', async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-GGUF');
  const expected = entry.files.find((f) => f.path === gguf)!;
  const reports: DownloadProgress[] = [];
  // The third chunk of the GGUF does not fit, nor does anything after it.
  const restore = failPuts('chunks', 3);
  const outcome = await download(store, entry, host, reports).finally(restore);
  expect(outcome.ok).toBe(false);
  const errors = outcome.ok ? [] : outcome.errors;
  expect(errors.map((e) => e.name)).toContain('QuotaError');
  const quota = errors.find((e) => e.name === 'QuotaError');
  expect(quota).toMatchObject({ modelId: entry.id });
  expect(quota && 'neededBytes' in quota && quota.neededBytes).toBeGreaterThan(0);
  expect((await storeKeys('files')).filter((k) => k.endsWith(gguf))).toEqual([]);
  // It stopped instead of downloading the rest of the file into nowhere.
  const fileDone = Math.max(...reports.map((r) => r.files.find((f) => f.path === gguf)!.bytesDone));
  expect(fileDone).toBeLessThan(expected.size!);

  const retry = await download(store, entry, host);
  expect(retry).toEqual({ ok: true });
  expect(await storedSha256(store, entry.id, gguf)).toBe(expected.sha256);
});

test('deleting a model while it downloads waits for the download to stop: nothing of it lands afterwards', async ({ host, store }) => {
  const entry = await entryOf(host, 'Tiny-Llama-MLC');
  // A slow device: hashing a received file takes a while, so the delete lands while it runs.
  const digest = crypto.subtle.digest.bind(crypto.subtle);
  const slowDigest = vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (algorithm, data) => {
    await new Promise((r) => setTimeout(r, 200));
    return digest(algorithm, data);
  });
  onTestFinished(() => slowDigest.mockRestore());
  const order: string[] = [];
  let deleting: Promise<void> | undefined;
  // Delete the moment a file has all its bytes and is about to be stored.
  const running = store
    .download(entry, host.url, (p) => {
      if (!deleting && p.files.some((f) => f.state === 'verifying')) {
        deleting = store.deleteModel(entry.id).then(() => void order.push('delete done'));
      }
    })
    .then(() => void order.push('download ended'));
  await running;
  await deleting;
  expect(deleting).toBeDefined();
  expect(order).toEqual(['download ended', 'delete done']);
  await new Promise((r) => setTimeout(r, 300));
  expect(await store.models()).toEqual([]);
  for (const name of ['models', 'files', 'partials', 'chunks']) expect(await storeKeys(name)).toEqual([]);
  for (const scope of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
    const keys = await new Promise<string[]>((resolve) => {
      const r = indexedDB.open(scope);
      r.onupgradeneeded = () => r.result.createObjectStore('urls', { keyPath: 'url' });
      r.onsuccess = () => {
        const q = r.result.transaction('urls').objectStore('urls').getAllKeys();
        q.onsuccess = () => {
          r.result.close();
          resolve(q.result.map(String));
        };
      };
    });
    expect(keys, scope).toEqual([]);
  }
});
