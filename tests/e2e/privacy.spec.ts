import type { Request } from '@playwright/test';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { importConversation, replies, sendMessage, waitForReply } from './chatHarness';
import { expect, expectModelReady, expectReady, gotoView, modelRow, openApp, test, testModels } from './harness';
import { downloadModel, dumpIndexedDb, expectControlled, loadModel } from './privacyHarness';

/** Databases and stores that hold the user's words. */
function appData(dump: string): unknown {
  return (JSON.parse(dump) as Record<string, unknown>)['hearth-app'];
}

test.describe('network audit', () => {
  test('a whole session talks only to the app and the model host, and to nothing at all while chatting', async ({ page, context, host }) => {
    test.setTimeout(120_000);
    const seen: { url: string; at: number; from: string }[] = [];
    const record = (request: Request): void => {
      seen.push({ url: request.url(), at: Date.now(), from: request.serviceWorker() ? 'service worker' : 'page or its workers' });
    };
    context.on('request', record);

    // First visit, licence, download.
    await openApp(page, host);
    await downloadModel(page, testModels.programmed);
    await loadModel(page, testModels.programmed);
    host.clearRequests();

    // Chat: not one request between Send and the end of the reply.
    const before = seen.length;
    await sendMessage(page, 'Hello there');
    await waitForReply(page);
    expect(seen.slice(before), 'requests while chatting').toEqual([]);
    expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);

    // Export (a download made in the page, from a blob: URL).
    const download = page.waitForEvent('download');
    await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^Actions for/ }).first().click();
    await page.getByRole('menuitem', { name: 'Export as JSON' }).click();
    expect(JSON.parse(await (await (await download).createReadStream()).toArray().then((b) => Buffer.concat(b).toString()))).toMatchObject({ format: 'hearth-conversation' });

    // Reload, and chat again after it.
    await page.reload();
    await expectReady(page);
    // The conversation is open again and its model loads by itself.
    await expectModelReady(page, testModels.programmed);
    await expect(replies(page)).toHaveCount(1);
    const beforeSecond = seen.length;
    await sendMessage(page, 'Hello again');
    await waitForReply(page);
    expect(seen.slice(beforeSecond), 'requests while chatting').toEqual([]);

    const appOrigin = new URL(page.url()).origin;
    const elsewhere = seen.filter(({ url }) => {
      const u = new URL(url);
      return u.protocol !== 'blob:' && u.protocol !== 'data:' && u.origin !== appOrigin && u.origin !== host.url;
    });
    expect(elsewhere, 'requests to other destinations').toEqual([]);
    expect(seen.filter((r) => r.url.startsWith(host.url)).length).toBeGreaterThan(0);
    // After the download the model host heard nothing: not at the reload, not while chatting.
    expect(host.requests.map((r) => r.path)).toEqual([]);
  });
});

test.describe('Content-Security-Policy', () => {
  test('the built app carries a strict policy, and the pages and workers obey it', async ({ page, host, cspViolations }) => {
    const response = await page.goto(`/?modelHost=${encodeURIComponent(host.url)}`);
    await expectReady(page);
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    for (const policy of [meta, response?.headers()['content-security-policy']]) {
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(policy).toMatch(/connect-src 'self' [^;]*http:\/\/127\.0\.0\.1:\*/);
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toMatch(/'unsafe-eval'/);
    }

    // An inline script put into the page does not run, and the browser reports the refusal.
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      const violation = new Promise<string>((resolve) => addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
      document.body.append(script);
      return { directive: await violation, ran: (window as { __inlineRan?: boolean }).__inlineRan === true };
    });
    expect(ran).toEqual({ directive: 'script-src-elem', ran: false });
    // (eval cannot be tried from here: DevTools evaluation is exempt from the page's policy. The
    // policy has no 'unsafe-eval', checked above.)
    // A worker cannot reach an unlisted host (the policy came with the worker's script).
    const store = page.workers().find((w) => w.url().includes('store.worker'));
    expect(store).toBeDefined();
    const blocked = await store?.evaluate(
      () =>
        new Promise<string>((resolve) => {
          addEventListener('securitypolicyviolation', (e) => resolve(`${e.effectiveDirective} ${e.blockedURI}`), { once: true });
          fetch('https://example.com/').catch(() => {});
          setTimeout(() => resolve('not blocked'), 5000);
        }),
    );
    expect(blocked).toMatch(/^connect-src https:\/\/example\.com/);
    // The suite's own check sees violations in pages and in workers.
    await expect.poll(() => cspViolations.join('\n')).toMatch(/example\.com.*in a worker/);
    expect(cspViolations.join('\n')).toMatch(/script-src/);
    cspViolations.length = 0; // provoked on purpose
  });

  test('scripts and handlers in a conversation (model output) are removed and never run', async ({ page, host }) => {
    await openApp(page, host);
    const attack = [
      'Here you go <script>window.__pwned = "script"</script>',
      '<img src="x" onerror="window.__pwned = \'img\'">',
      '<a href="javascript:window.__pwned=\'link\'">click</a> <svg onload="window.__pwned=\'svg\'"></svg>',
    ].join('\n\n');
    await importConversation(page, { title: 'Attack', user: 'hi', assistant: attack });
    const body = replies(page).last().getByTestId('message-body');
    await expect(body).toContainText('Here you go');
    expect(await body.locator('script, img, svg, [onerror], [onload]').count()).toBe(0);
    await body.getByText('click').click({ trial: true }).catch(() => {});
    expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned ?? null)).toBeNull();
  });
});

test.describe('leaving nothing behind', () => {
  test('Forget everything removes every conversation and setting, and with the box ticked every model', async ({ page, host }) => {
    test.setTimeout(120_000);
    await openApp(page, host);
    await downloadModel(page, testModels.programmed);
    await loadModel(page, testModels.programmed);
    await sendMessage(page, 'FORGET-ME-1234');
    await waitForReply(page);
    await expect.poll(async () => (await dumpIndexedDb(page)).includes('FORGET-ME-1234')).toBe(true);

    // Cancel keeps everything.
    await gotoView(page, 'Settings');
    await page.getByRole('button', { name: 'Forget everything…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forget everything?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(await dumpIndexedDb(page)).toContain('FORGET-ME-1234');

    // Conversations and settings only.
    await page.getByRole('button', { name: 'Forget everything…' }).click();
    await dialog.getByRole('button', { name: 'Forget everything' }).click();
    await page.waitForURL((url) => url.search === '');
    await expectReady(page);
    let dump = await dumpIndexedDb(page);
    expect(dump).not.toContain('FORGET-ME-1234');
    expect(dump).not.toContain(PROGRAMMED_REPLY);
    expect(appData(dump)).toEqual({ settings: [], conversations: [], benchmarks: [] });
    await expect(page.locator('[data-conversation]')).toHaveCount(0);
    // The models stay unless asked.
    expect(dump).toContain(testModels.programmed);

    // With the box ticked, the models go too.
    await page.goto(`/?modelHost=${encodeURIComponent(host.url)}`);
    await gotoView(page, 'Models');
    await expect(modelRow(page, testModels.programmed)).toHaveAttribute('data-status', 'cached');
    await gotoView(page, 'Settings');
    await page.getByRole('button', { name: 'Forget everything…' }).click();
    await dialog.getByRole('checkbox', { name: /downloaded models/ }).check();
    await dialog.getByRole('button', { name: 'Forget everything' }).click();
    await page.waitForURL((url) => url.search === '');
    await expectReady(page);
    dump = await dumpIndexedDb(page);
    const stores = JSON.parse(dump) as Record<string, Record<string, unknown[]>>;
    for (const [db, content] of Object.entries(stores)) {
      for (const [store, rows] of Object.entries(content)) expect(rows, `${db}/${store}`).toEqual([]);
    }
    expect(dump).not.toContain(host.url.replace(/^http:\/\//, ''));
  });

  test('a private chat writes nothing to storage and is gone after a reload', async ({ page, host }) => {
    test.setTimeout(120_000);
    await openApp(page, host);
    await downloadModel(page, testModels.programmed);
    await loadModel(page, testModels.programmed);
    const before = await dumpIndexedDb(page);

    await page.getByRole('button', { name: 'Private chat' }).click();
    await expect(page.getByTestId('private-note')).toBeVisible();
    await sendMessage(page, 'PRIVATE-MARKER-5678');
    await waitForReply(page);
    expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
    await expect(page.locator('[data-conversation]')).toContainText('private, not saved');
    // Give any write a chance to land (pagehide flushes too), then look everywhere.
    await page.evaluate(() => dispatchEvent(new Event('pagehide')));
    await page.waitForTimeout(500);
    const during = await dumpIndexedDb(page);
    expect(during).not.toContain('PRIVATE-MARKER');
    expect(during).not.toContain(PROGRAMMED_REPLY);
    expect(appData(during)).toEqual(appData(before));
    const cached = await page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)))).flat());
    const appOrigin = new URL(page.url()).origin;
    expect(cached.filter((u) => !u.startsWith(appOrigin))).toEqual([]);

    await page.reload();
    await expectReady(page);
    await expect(page.locator('[data-conversation]')).toHaveCount(0);
    // Never restored, and the app says why rather than silently showing something else.
    await expect(page.getByTestId('private-gone')).toContainText('never saved or restored');
    await expect(page.locator('article[data-role]')).toHaveCount(0);
    const after = await dumpIndexedDb(page);
    expect(after).not.toContain('PRIVATE-MARKER');
    expect(appData(after)).toEqual(appData(before));
  });
});

test('the app is installable: a web manifest with icons, start URL and scope, and a service worker', async ({ page, host }) => {
  await openApp(page, host);
  await expectControlled(page).catch(async () => {
    await page.reload();
    await expectControlled(page);
  });
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = (await (await page.request.get(new URL(href ?? '', page.url()).href)).json()) as {
    name: string; start_url: string; scope: string; display: string; icons: { src: string; sizes: string; purpose?: string }[];
  };
  expect(manifest).toMatchObject({ short_name: 'Hearth', display: 'standalone', start_url: './', scope: './' });
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons) {
    const r = await page.request.get(new URL(icon.src, page.url()).href);
    expect(r.headers()['content-type']).toBe('image/png');
  }
  // The browser's own installability check (DevTools protocol) finds nothing missing.
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  // A test browser context is incognito-like, which alone blocks installation.
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
});
