import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { openChatWith, replies, sendMessage, useModel, waitForReply } from './chatHarness';
import { engineStatus, expect, expectModelReady, expectReady, gotoView, modelRow, test, testModels } from './harness';

/** A web server that answers every path with an HTML page (a website, not a model host), with CORS. */
async function startHtmlHost(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    res.end('<!doctype html><title>Welcome</title><h1>Our company website</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Points the app at another host from the settings view. */
async function useHost(page: Page, url: string): Promise<void> {
  await gotoView(page, 'Settings');
  await page.getByLabel('Hugging Face–compatible host or mirror').fill(url);
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(page.getByTestId('model-host')).toHaveText(url);
}

/** The model downloaded from the first host is still listed and chats. */
async function expectStillUsable(page: Page): Promise<void> {
  await gotoView(page, 'Models');
  const row = modelRow(page, testModels.programmed);
  await expect(row).toHaveAttribute('data-status', 'cached');
  await useModel(page, testModels.programmed);
  await page.getByRole('button', { name: 'New chat' }).click();
  await sendMessage(page, 'Still here?');
  await waitForReply(page);
  expect((await replies(page).last().getByTestId('message-body').textContent())?.trim()).toBe(PROGRAMMED_REPLY);
}

test('deleting the loaded model asks first, then unloads it, and the header says so', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await gotoView(page, 'Models');
  const row = modelRow(page, testModels.programmed);
  await expect(row).toContainText('in use');
  await row.getByRole('button', { name: /^Delete/ }).click();
  const dialog = page.getByTestId('delete-model-dialog');
  await expect(dialog).toContainText('It is loaded now, and will be unloaded.');
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await expect(row).toHaveAttribute('data-status', 'cached');
  await expect(engineStatus(page)).toHaveAttribute('data-state', 'ready');

  await row.getByRole('button', { name: /^Delete/ }).click();
  await dialog.getByRole('button', { name: 'Delete model' }).click();
  await expect(row).toHaveAttribute('data-status', 'not downloaded');
  await expect(engineStatus(page)).toHaveAttribute('data-state', 'none');
  await expect(engineStatus(page)).toHaveText('Programmed Llama GGUF was deleted from this device, so it is no longer loaded.');
  await expect(page.getByTestId('model-switcher')).toContainText('No model');
  await gotoView(page, 'Chat');
  await expect(page.getByTestId('composer-reason')).toHaveText('Programmed Llama GGUF was deleted from this device, so it is no longer loaded.');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
});

test('an unreachable model host gets a readable notice; the downloaded model stays listed and usable', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  const unreachable = 'http://127.0.0.1:9';
  await useHost(page, unreachable);
  await gotoView(page, 'Models');
  const notice = page.getByTestId('host-notice');
  await expect(notice).toHaveAttribute('data-kind', 'unreachable');
  await expect(notice).toContainText(`The model host ${unreachable} cannot be reached`);
  await expect(notice.getByTestId('host-answer')).toHaveText(`${unreachable}/hearth-catalog.json did not answer.`);
  await expectStillUsable(page);
  // Across a reload too: the model is listed from the store, whichever host it came from.
  await page.reload();
  await expectReady(page);
  await expectModelReady(page, testModels.programmed);
  await gotoView(page, 'Models');
  await expect(modelRow(page, testModels.programmed)).toHaveAttribute('data-status', 'cached');
});

test('a host that answers HTML is named as not a model host (what it answered), on opening and in the models view; downloaded models stay usable', async ({ page, host, browser, baseURL }) => {
  const website = await startHtmlHost();
  try {
    // A fresh profile opened against it hears about it at once, not at the first download.
    const fresh = await browser.newContext({ baseURL });
    const first = await fresh.newPage();
    await first.goto(`/?modelHost=${encodeURIComponent(website.url)}`);
    await expectReady(first);
    await expect(first.getByTestId('host-notice')).toHaveAttribute('data-kind', 'not-a-hub');
    await fresh.close();

    await openChatWith(page, host, testModels.programmed);
    await useHost(page, website.url);
    await gotoView(page, 'Models');
    const notice = page.getByTestId('host-notice');
    await expect(notice).toHaveAttribute('data-kind', 'not-a-hub');
    await expect(notice).toContainText(`${website.url} is not a Hugging Face–style model host`);
    await expect(notice).toContainText('a web page where its model list should be');
    await expect(notice.getByTestId('host-answer')).toHaveText(`${website.url}/hearth-catalog.json answered 200 (text/html).`);
    // No raw parser text anywhere.
    await expect(page.locator('body')).not.toContainText(/Unexpected token|not valid JSON|SyntaxError/);
    await expectStillUsable(page);
  } finally {
    await website.close();
  }
});
