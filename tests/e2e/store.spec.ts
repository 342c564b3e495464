/**
 * The verified store through the app, against the Hugging Face–like host: LFS files come from
 * its CDN origin after a 302, small files after a 307.
 */
import { openChatWith } from './chatHarness';
import { expectCached, expect, idbContents, modelRow, openApp, servedFiles, servedFor, startDownload, storedChunkedSha256, storeModels as testModels, test, withWebGpu, reloadApp, backOnModels, deleteFromDevice, deleteAllModels, loadFromHeader } from './storeHarness';

test.use(withWebGpu);

test.describe('verified model store', () => {
  test('downloads, verifies and stores every file; after a reload it is cached and nothing is fetched', async ({ page, host }) => {
    await openApp(page, host);
    const row = modelRow(page, testModels.mlc);
    await expect(row.getByTestId('size')).not.toHaveText('');
    await expect(row).toHaveAttribute('data-status', 'not downloaded');
    await startDownload(page, testModels.mlc);
    await expectCached(page, testModels.mlc);

    const stored = await idbContents(page);
    const shards = stored.webllm['webllm/model'].filter((u) => u.includes('params_shard_'));
    expect(shards.length).toBeGreaterThan(1);
    expect(stored.webllm['webllm/model'].some((u) => u.endsWith('/tensor-cache.json'))).toBe(true);
    expect(stored.webllm['webllm/config'].some((u) => u.endsWith('/mlc-chat-config.json'))).toBe(true);
    expect(stored.webllm['webllm/wasm']).toHaveLength(1);
    expect(stored.partials).toEqual([]);
    // web-llm-bound files live once, in web-llm's layout: no chunk copy of them in our store.
    expect(stored.chunks.filter((k) => k.includes('params_shard_'))).toEqual([]);

    expect(servedFiles(host).some((r) => r.path.startsWith('params_shard_'))).toBe(true);

    host.clearRequests();
    await reloadApp(page);
    await expect(row).toHaveAttribute('data-status', 'cached');
    await expect(row.getByTestId('on-disk')).toBeVisible();
    expect(host.requests.filter((r) => r.file)).toEqual([]);
  });

  test('a corrupted shard is rejected with an IntegrityError naming it; a retry fetches only that file', async ({ page, host }) => {
    const bad = 'params_shard_1.bin';
    host.setFault({ kind: 'corrupt-byte', path: bad });
    await openApp(page, host);
    await startDownload(page, testModels.mlc);
    const alert = modelRow(page, testModels.mlc).locator('[data-error="IntegrityError"]');
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(alert).toHaveAttribute('data-path', bad);
    await expect(alert).toContainText(bad);
    await expect(alert).toContainText(/Expected SHA-256 [0-9a-f]{64}/);
    await expect(modelRow(page, testModels.mlc)).toHaveAttribute('data-status', 'partial');

    const stored = await idbContents(page);
    expect(stored.webllm['webllm/model'].filter((u) => u.endsWith(bad))).toEqual([]);
    expect(stored.files.filter((k) => k.endsWith(bad))).toEqual([]);
    expect(stored.chunks.filter((k) => k.includes(bad))).toEqual([]);
    // Every other file was verified and kept.
    expect(stored.webllm['webllm/model'].filter((u) => u.includes('params_shard_')).length).toBeGreaterThan(0);

    host.clearFaults();
    host.clearRequests();
    await startDownload(page, testModels.mlc);
    await expectCached(page, testModels.mlc);
    expect(servedFiles(host).map((r) => r.path)).toEqual([bad]);
  });

  test('a connection dropped mid-file on the CDN resumes with Range and completes verified; no file is fetched twice', async ({ page, host }) => {
    const big = 'params_shard_0.bin';
    host.setFault({ kind: 'drop-after', path: big, bytes: 200_000, times: 1, hop: 'cdn' });
    await openApp(page, host);
    await startDownload(page, testModels.mlc);
    await expectCached(page, testModels.mlc);
    const requests = servedFiles(host);
    const forBig = servedFor(host, big);
    expect(forBig.length).toBe(2);
    expect(forBig[1].range).toMatch(/^bytes=\d+-$/);
    expect(Number(/bytes=(\d+)-/.exec(forBig[1].range ?? '')?.[1])).toBeGreaterThan(0);
    const fullFetches = requests.filter((r) => !r.range).map((r) => r.path);
    expect(new Set(fullFetches).size).toBe(fullFetches.length);
  });

  test('a page reload in the middle of a download resumes it; completed files are not fetched again', async ({ page, host }) => {
    // The GGUF is stored in chunks with its hash state: slow it down so the reload lands mid-file.
    // (Slow enough that a loaded machine cannot finish the file between the checks and the reload.)
    host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 120_000 });
    await openApp(page, host);
    await startDownload(page, testModels.gguf);
    const ggufFile = modelRow(page, testModels.gguf).locator('li[data-file$=".gguf"]');
    await expect(ggufFile).toHaveAttribute('data-state', 'downloading');
    await expect.poll(async () => (await idbContents(page)).partials.some((k) => k.endsWith('.gguf')), { timeout: 30_000 }).toBe(true);
    const before = servedFiles(host);
    const completedBefore = (await idbContents(page)).files.map((k) => k.split('|')[1]);
    expect(completedBefore.length).toBeGreaterThan(0);
    expect(completedBefore.some((p) => p.endsWith('.gguf'))).toBe(false);

    await page.reload();
    host.clearFaults();
    await backOnModels(page);
    await expect(modelRow(page, testModels.gguf)).toHaveAttribute('data-status', 'partial');
    await startDownload(page, testModels.gguf);
    await expectCached(page, testModels.gguf);

    const after = servedFiles(host).slice(before.length);
    for (const path of completedBefore) expect(after.map((r) => r.path)).not.toContain(path);
    const resumed = after.find((r) => r.path.endsWith('.gguf'));
    expect(resumed?.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  test('a 404 with an HTML body and a 500 give clear errors; retry works', async ({ page, host }) => {
    host.setFault({ kind: 'status', status: 404, html: true, path: 'tokenizer.json' });
    host.setFault({ kind: 'status', status: 500, path: 'params_shard_2.bin' });
    await openApp(page, host);
    await startDownload(page, testModels.mlc);
    const row = modelRow(page, testModels.mlc);
    await expect(row.locator('[data-error="NotFoundError"][data-path="tokenizer.json"]')).toContainText('does not have this file', { timeout: 60_000 });
    await expect(row.locator('[data-error="NotFoundError"][data-path="tokenizer.json"]')).toContainText('no tokenizer.json');
    await expect(row.locator('[data-error="NetworkError"][data-path="params_shard_2.bin"]')).toContainText('500');
    host.clearFaults();
    await startDownload(page, testModels.mlc);
    await expectCached(page, testModels.mlc);
    await expect(row.locator('[data-error]')).toHaveCount(0);
  });

  test('a quota too small fails with a QuotaError before any byte is downloaded', async ({ page, host, baseURL }) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL as string).origin, quotaSize: 200_000 });
    await openApp(page, host);
    host.clearRequests();
    await startDownload(page, testModels.mlc);
    const alert = modelRow(page, testModels.mlc).locator('[data-error="QuotaError"]');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Nothing was downloaded');
    await expect(alert).toContainText(/needs [\d.]+ [KM]B more/);
    expect(host.requests.filter((r) => r.file)).toEqual([]);
    const stored = await idbContents(page);
    expect(stored.files).toEqual([]);
    expect(stored.webllm['webllm/model']).toEqual([]);
  });

  test('deleting one model removes all its bytes and leaves the other untouched', async ({ page, host }) => {
    await openApp(page, host);
    await startDownload(page, testModels.mlc);
    await startDownload(page, testModels.gguf);
    await expectCached(page, testModels.mlc);
    await expectCached(page, testModels.gguf);
    const before = await idbContents(page);

    await deleteFromDevice(page, testModels.mlc);
    await expect(modelRow(page, testModels.mlc)).toHaveAttribute('data-status', 'not downloaded');
    const after = await idbContents(page);
    expect(after.webllm['webllm/model']).toEqual([]);
    expect(after.webllm['webllm/config']).toEqual([]);
    expect(after.webllm['webllm/wasm']).toEqual([]);
    expect(after.files.filter((k) => k.startsWith(testModels.mlc))).toEqual([]);
    expect(after.chunks.filter((k) => k.startsWith(testModels.mlc))).toEqual([]);
    expect(after.models).toEqual([testModels.gguf]);
    // The GGUF model's records are exactly as before.
    expect(after.files.filter((k) => k.startsWith(testModels.gguf))).toEqual(before.files.filter((k) => k.startsWith(testModels.gguf)));
    expect(after.chunks.filter((k) => k.startsWith(testModels.gguf))).toEqual(before.chunks.filter((k) => k.startsWith(testModels.gguf)));
    await expect(modelRow(page, testModels.gguf)).toHaveAttribute('data-status', 'cached');
  });

  test('the GGUF test model downloads and verifies into chunked storage', async ({ page, host }) => {
    await openApp(page, host);
    await startDownload(page, testModels.gguf);
    await expectCached(page, testModels.gguf);
    const stored = await idbContents(page);
    expect(stored.files.some((k) => k.endsWith('.gguf'))).toBe(true);
    expect(stored.chunks.some((k) => k.includes('.gguf'))).toBe(true);
    // Bytes read back hash to what the catalog pinned.
    const ok = await page.evaluate(async (id) => {
      const catalog = (await (await fetch(new URL('/hearth-catalog.json', new URLSearchParams(location.search).get('modelHost') ?? '').href)).json()) as { id: string; files: { path: string; sha256: string }[] }[];
      const entry = catalog.find((e) => e.id === id);
      return entry?.files.find((f) => f.path.endsWith('.gguf'))?.sha256;
    }, testModels.gguf);
    expect(ok).toMatch(/^[0-9a-f]{64}$/);
  });
});

test('a stored file damaged on disk is found by Verify and re-downloaded alone', async ({ page, host }) => {
  await openApp(page, host);
  await startDownload(page, testModels.mlc);
  await expectCached(page, testModels.mlc);
  const damaged = 'params_shard_2.bin';
  // Truncate the shard's bytes inside web-llm's own cache, as a failing disk might.
  await page.evaluate(async (suffix) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('webllm/model');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const store = db.transaction('urls', 'readwrite').objectStore('urls');
    const keys = await new Promise<IDBValidKey[]>((resolve) => {
      const r = store.getAllKeys();
      r.onsuccess = () => resolve(r.result);
    });
    const url = String(keys.find((k) => String(k).endsWith(suffix)));
    await new Promise((resolve) => {
      const r = store.put({ url, data: new ArrayBuffer(10) });
      r.onsuccess = resolve;
    });
    db.close();
  }, damaged);
  host.clearRequests();
  await modelRow(page, testModels.mlc).getByRole('button', { name: /^Verify/ }).click();
  await expect(modelRow(page, testModels.mlc).getByTestId('check')).toHaveAttribute('data-ok', 'false');
  await expect(modelRow(page, testModels.mlc).getByTestId('check')).toContainText(damaged);
  await expectCached(page, testModels.mlc);
  expect(servedFiles(host).map((r) => r.path)).toEqual([damaged]);

  // A second verification re-hashes every byte and finds it intact.
  await modelRow(page, testModels.mlc).getByRole('button', { name: /^Verify/ }).click();
  await expect(modelRow(page, testModels.mlc).getByTestId('check')).toHaveAttribute('data-ok', 'true');
});

test('cancel stops a download and keeps what was verified; resume completes it; delete all empties the store', async ({ page, host }) => {
  // Slow the weights so there is a download to cancel.
  host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 150_000 });
  await openApp(page, host);
  await startDownload(page, testModels.gguf);
  const row = modelRow(page, testModels.gguf);
  await expect(row.locator('li[data-file$=".gguf"]')).toHaveAttribute('data-state', 'downloading');
  await expect(row.getByTestId('rate')).not.toHaveText('—');
  await expect(row.getByTestId('eta')).toContainText(/\d+ s left|\d+ min/);
  await row.getByRole('button', { name: /^Cancel download/ }).click();
  await expect(row.locator('[data-error="AbortedError"]')).toContainText('Download cancelled');
  await expect(row).toHaveAttribute('data-status', 'partial');
  const afterCancel = await idbContents(page);
  expect(afterCancel.files.some((k) => k.endsWith('.gguf'))).toBe(false);

  host.clearFaults();
  host.clearRequests();
  await startDownload(page, testModels.gguf);
  await expectCached(page, testModels.gguf);
  // Files verified before the cancel were not fetched again.
  for (const done of afterCancel.files.map((k) => k.split('|')[1])) expect(servedFiles(host).map((r) => r.path)).not.toContain(done);

  await startDownload(page, testModels.mlc);
  await expectCached(page, testModels.mlc);
  await deleteAllModels(page);
  await expect(row).toHaveAttribute('data-status', 'not downloaded');
  await expect(modelRow(page, testModels.mlc)).toHaveAttribute('data-status', 'not downloaded');
  const empty = await idbContents(page);
  expect(empty).toEqual({ webllm: { 'webllm/model': [], 'webllm/config': [], 'webllm/wasm': [] }, files: [], chunks: [], partials: [], models: [] });
});

test('a model whose bytes went missing from disk is repaired when it loads: that file alone is fetched again', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  // Drop the GGUF's last chunk, as a browser that evicted part of the data might.
  const weights = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('hearth-store');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const store = db.transaction('chunks', 'readwrite').objectStore('chunks');
    const keys = await new Promise<IDBValidKey[]>((resolve) => {
      const r = store.getAllKeys();
      r.onsuccess = () => resolve(r.result);
    });
    const last = keys.filter((k) => String((k as unknown[])[1]).endsWith('.gguf')).pop() as IDBValidKey;
    await new Promise((resolve) => {
      const r = store.delete(last);
      r.onsuccess = resolve;
    });
    db.close();
    return String((last as unknown[])[1]);
  });
  host.clearRequests();
  await loadFromHeader(page, testModels.programmed, /Programmed Llama GGUF/);
  expect(servedFiles(host).map((r) => r.path)).toEqual([weights]);
  const entry = (await host.catalog()).find((e) => e.id === testModels.programmed);
  expect(await storedChunkedSha256(page, testModels.programmed, weights)).toBe(entry?.files.find((f) => f.path === weights)?.sha256);
});
