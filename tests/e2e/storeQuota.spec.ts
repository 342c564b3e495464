/**
 * A disk that fills up in the middle of a download. The origin gets a quota a little above what
 * the model needs (DevTools' quota override), and once the download is under way something else
 * of the same origin fills the rest, as another app filling the disk would.
 */
import type { Page } from '@playwright/test';
import { expect, expectCached, idbContents, modelRow, openApp, rowError, startDownload, storeModels, test, waitForPartial, withWebGpu } from './storeHarness';

test.use(withWebGpu);

/** Writes filler blobs into a scratch database until the browser refuses even 16 kB more. */
async function fillStorage(page: Page, quota: number): Promise<number> {
  const worker = page.workers().find((w) => w.url().includes('store'));
  if (!worker) throw new Error('no store worker');
  return worker.evaluate(async (quota) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('filler', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('blobs');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    let written = 0;
    let key = 0;
    const { usage = 0 } = await navigator.storage.estimate();
    for (let size = Math.max(16 << 10, quota - usage - (256 << 10)); size >= 16 << 10; ) {
      const ok = await new Promise<boolean>((resolve) => {
        const tx = db.transaction('blobs', 'readwrite');
        tx.objectStore('blobs').put(new Blob([new Uint8Array(size).fill(7)]), key++);
        tx.oncomplete = () => resolve(true);
        tx.onerror = tx.onabort = () => resolve(false);
      });
      if (ok) written += size;
      else size >>= 1;
    }
    db.close();
    return written;
  }, quota);
}

test('storage filling up mid-download is a QuotaError with the numbers; verified files are kept; a resume completes', async ({ page, host, baseURL }) => {
  const origin = new URL(baseURL as string).origin;
  host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 60_000, hop: 'cdn' });
  // The override holds only if set before the origin first uses storage: room for the app's
  // own cached files and the model, and not much more.
  const cdp = await page.context().newCDPSession(page);
  const quota = 64 << 20;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quota });
  await openApp(page, host);
  await startDownload(page, storeModels.gguf);
  await waitForPartial(page, '.gguf');
  const verifiedBefore = (await idbContents(page)).files;
  expect(await fillStorage(page, quota)).toBeGreaterThan(0);
  expect((await idbContents(page)).files.some((k) => k.endsWith('.gguf')), 'still downloading when the disk filled').toBe(false);

  const alert = rowError(page, storeModels.gguf, 'QuotaError');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText('Storage filled up during the download');
  await expect(alert).toContainText(/tiny-llama-f32\.gguf \([\d.]+ [KM]B of it still to go/);
  const after = await idbContents(page);
  expect(after.files.filter((k) => k.endsWith('.gguf'))).toEqual([]);
  for (const kept of verifiedBefore) expect(after.files).toContain(kept);

  // Space is freed (the filler goes, the quota is back): the download resumes and verifies.
  await page.evaluate(() => new Promise((resolve) => { const r = indexedDB.deleteDatabase('filler'); r.onsuccess = r.onerror = r.onblocked = resolve; }));
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  host.clearFaults();
  await startDownload(page, storeModels.gguf);
  await expectCached(page, storeModels.gguf);
  await expect(modelRow(page, storeModels.gguf).locator('[data-error]')).toHaveCount(0);
});
