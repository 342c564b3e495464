import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { replies, sendMessage, waitForReply } from './chatHarness';
import { expect, expectModelReady, expectReady, gotoView, modelRow, openApp, test, testModels } from './harness';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { downloadModel, dumpIndexedDb, expectControlled, loadModel, startAppServer } from './privacyHarness';

/**
 * Offline again after a navigation. Chromium 150 (Debian's) forgets the emulated offline state
 * when a reload swaps the cross-origin-isolated page into a new renderer: `navigator.onLine`
 * turns true and requests go out. Toggling sends the state to the new renderer.
 */
async function reassertOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(false);
  await context.setOffline(true);
}

test.describe('offline after the first visit', () => {
  test('with the network gone and the model host closed, the app opens from the service worker, loads the model and chats', async ({ page, context, host }) => {
    // First visit, online: the service worker precaches the app while the model downloads.
    await openApp(page, host);
    await downloadModel(page, testModels.programmed);
    await loadModel(page, testModels.programmed);
    await sendMessage(page, 'Hello there');
    await waitForReply(page);
    await expect(page.locator('[data-conversation]')).toHaveCount(1);
    // Saving trails the screen by one write: let the last one land before reloading.
    await expect.poll(async () => (await dumpIndexedDb(page)).includes(JSON.stringify(PROGRAMMED_REPLY))).toBe(true);
    await expectControlled(page).catch(async () => {
      // The first page is not claimed by the new worker: one online reload puts it in control.
      await page.reload();
      await expectControlled(page);
    });

    // Everything off: the browser's network and the model host.
    await context.setOffline(true);
    await host.close();
    const responses: { url: string; fromServiceWorker: boolean }[] = [];
    const failed: string[] = [];
    context.on('response', (r) => responses.push({ url: r.url(), fromServiceWorker: r.fromServiceWorker() }));
    context.on('requestfailed', (r) => {
      // A worker script request handed over to the service worker can show up as aborted.
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') failed.push(`${r.url()} ${r.failure()?.errorText}`);
    });

    await page.reload();
    await reassertOffline(context);
    await expectReady(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // The service worker's copy keeps the cross-origin isolation headers: llama.cpp keeps its threads.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('network')).toHaveAttribute('data-online', 'false');
    // The last conversation is open again and its model loads by itself, from the verified store.
    await expect(replies(page)).toHaveCount(1);
    expect((await replies(page).first().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
    await expectModelReady(page, testModels.programmed);
    await gotoView(page, 'Models');
    await expect(page.getByTestId('offline-models')).toContainText(/can run: .*Programmed/);
    await expect(modelRow(page, testModels.programmed).getByTestId('offline-badge')).toHaveText('runs offline');
    // Models that are not on the device offer no download, and say why.
    const other = modelRow(page, testModels.gguf);
    await expect(other.getByRole('button', { name: 'Download' })).toBeDisabled();
    await expect(other.getByTestId('offline-reason')).toContainText('Offline');

    // A reply streams (in a new conversation, so the exact text does not depend on how much of
    // the first one fits the tiny window).
    await gotoView(page, 'Chat');
    await expect(page.locator('[data-conversation]')).toHaveCount(1);
    await page.getByRole('button', { name: 'New chat' }).click();
    await sendMessage(page, 'Hello again');
    await waitForReply(page);
    await expect(replies(page)).toHaveCount(1);
    await expect(page.locator('[data-conversation]')).toHaveCount(2);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
    expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);

    // Every app file came from the service worker; only the model host's catalog was tried (and failed).
    const appOrigin = new URL(page.url()).origin;
    const fromNetwork = responses.filter((r) => r.url.startsWith(appOrigin) && !r.fromServiceWorker);
    expect(fromNetwork).toEqual([]);
    expect(failed.filter((u) => !u.startsWith(host.url))).toEqual([]);
  });
});

test.describe('app updates', () => {
  const current = process.env.HEARTH_DIST ?? 'dist';
  let next = '';

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    // The same app with another build id: new page bundle, new precache manifest, new service worker.
    next = await mkdtemp(join(tmpdir(), 'hearth-next-'));
    execFileSync('npx', ['vite', 'build', '--outDir', next, '--emptyOutDir', '--logLevel', 'warn'], {
      env: { ...process.env, VITE_BUILD_ID: 'next' },
      stdio: 'pipe',
    });
  });
  test.afterAll(async () => {
    if (next) await rm(next, { recursive: true, force: true });
  });

  test('a new version waits for the user while a conversation goes on, then replaces the old one everywhere', async ({ page, host }) => {
    test.setTimeout(150_000);
    const server = await startAppServer(current);
    try {
      await page.goto(`${server.url}/?modelHost=${encodeURIComponent(host.url)}`);
      await expectReady(page);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      await expectControlled(page);
      await expectReady(page);
      const oldVersion = (await page.getByTestId('app-version').innerText()).trim();
      await downloadModel(page, testModels.programmed);
      await loadModel(page, testModels.programmed);
      await sendMessage(page, 'Hello there');
      await waitForReply(page);
      const cachedBefore = await page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)))).flat());

      // A new version is published; the open tab finds it.
      server.serve(next);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      const banner = page.getByTestId('update-banner');
      await expect(banner).toContainText('A new version of Hearth is ready');
      await expect(page.getByTestId('app-version')).toHaveText(oldVersion);

      // Nothing changes until the user agrees: chatting goes on with the old version.
      await page.getByRole('button', { name: 'New chat' }).click();
      await sendMessage(page, 'And again');
      await waitForReply(page);
      await expect(replies(page)).toHaveCount(1);
      expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
      await loadModel(page, testModels.programmed); // the engine's files still come from the old version's cache
      await expect(page.getByTestId('app-version')).toHaveText(oldVersion);
      await expect.poll(async () => (await dumpIndexedDb(page)).split(JSON.stringify(PROGRAMMED_REPLY)).length - 1).toBe(2);

      // The user agrees: the new version takes over and the page reloads into it.
      await banner.getByRole('button', { name: 'Reload' }).click();
      await expect(page.getByTestId('app-version')).toHaveText(/\+next$/);
      await expectReady(page);
      await expect(banner).toBeHidden();
      // The old version's files are gone from the cache; the new ones are there.
      const cachedAfter = await page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)))).flat());
      const oldPage = cachedBefore.filter((u) => /\/assets\/index-.*\.js/.test(u));
      expect(oldPage).toHaveLength(1);
      expect(cachedAfter).not.toContain(oldPage[0]);
      expect(cachedAfter.filter((u) => /\/assets\/index-.*\.js/.test(u))).toHaveLength(1);

      // The conversations are intact and chatting goes on with the new version.
      await expect(page.locator('[data-conversation]')).toHaveCount(2);
      await page.locator('[data-conversation] .select').first().click();
      await expect(replies(page)).toHaveCount(1);
      expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
      await expectModelReady(page, testModels.programmed);
      await page.getByRole('button', { name: 'New chat' }).click();
      await sendMessage(page, 'Once more');
      await waitForReply(page);
      await expect(replies(page)).toHaveCount(1);
      expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
    } finally {
      await server.close();
    }
  });
});
