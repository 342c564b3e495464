/** Several tabs of one browser, one store: a model downloads in one tab at a time. */
import type { BrowserContext, Page } from '@playwright/test';
import type { ModelHost } from '../fixtures/modelHost';
import { expect, expectCached, idbContents, modelRow, openApp, servedFiles, startDownload, storeModels, test, withWebGpu, deleteFromDevice } from './storeHarness';

test.use(withWebGpu);

async function twoTabs(context: BrowserContext, page: Page, host: ModelHost): Promise<Page> {
  await openApp(page, host);
  const second = await context.newPage();
  await openApp(second, host);
  return second;
}

test('a download in one tab shows its progress in another; each file is fetched once; both end cached', async ({ context, page, host }) => {
  host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 250_000, hop: 'cdn' });
  const other = await twoTabs(context, page, host);
  await startDownload(page, storeModels.gguf);
  const mirrored = modelRow(other, storeModels.gguf);
  await expect(mirrored).toHaveAttribute('data-status', 'downloading');
  await expect(mirrored.locator('li[data-file$=".gguf"]')).toHaveAttribute('data-state', 'downloading');
  await expectCached(page, storeModels.gguf);
  await expectCached(other, storeModels.gguf);
  const paths = servedFiles(host).map((r) => r.path);
  expect(new Set(paths).size).toBe(paths.length);
});

test('two tabs that both start the same download fetch it once and write no chunk twice', async ({ context, page, host }) => {
  host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 400_000, hop: 'cdn' });
  const other = await twoTabs(context, page, host);
  await Promise.all([startDownload(page, storeModels.gguf), startDownload(other, storeModels.gguf)]);
  await expectCached(page, storeModels.gguf);
  await expectCached(other, storeModels.gguf);
  const paths = servedFiles(host).map((r) => r.path);
  expect(new Set(paths).size).toBe(paths.length);
  const stored = await idbContents(page);
  expect(stored.partials).toEqual([]);
  const entry = (await host.catalog()).find((e) => e.id === storeModels.gguf)!;
  const { storedChunkedSha256 } = await import('./storeHarness');
  for (const f of entry.files) expect(await storedChunkedSha256(other, entry.id, f.path), f.path).toBe(f.sha256);
});

test('the other tab can cancel a download; a delete in one tab updates the list in the other', async ({ context, page, host }) => {
  host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 150_000, hop: 'cdn' });
  const other = await twoTabs(context, page, host);
  await startDownload(page, storeModels.gguf);
  const mirrored = modelRow(other, storeModels.gguf);
  await expect(mirrored).toHaveAttribute('data-status', 'downloading');
  await mirrored.getByRole('button', { name: /^Cancel download/ }).click();
  await expect(modelRow(page, storeModels.gguf).locator('[data-error="AbortedError"]')).toBeVisible();
  await expect(modelRow(page, storeModels.gguf)).toHaveAttribute('data-status', 'partial');
  await expect(mirrored).toHaveAttribute('data-status', 'partial');

  host.clearFaults();
  await startDownload(other, storeModels.gguf);
  await expectCached(other, storeModels.gguf);
  await expectCached(page, storeModels.gguf);
  await deleteFromDevice(page, storeModels.gguf);
  await expect(mirrored).toHaveAttribute('data-status', 'not downloaded');
});
