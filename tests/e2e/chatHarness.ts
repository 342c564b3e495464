import type { Page } from '@playwright/test';
import { expect, expectCached, modelRow, openApp, startDownload } from './harness';
import type { ModelHost } from '../fixtures/modelHost';

/** Downloads a test model, loads it in the engine, and waits until chatting is possible. */
export async function openChatWith(page: Page, host: ModelHost, id: string): Promise<void> {
  await openApp(page, host);
  if ((await modelRow(page, id).getAttribute('data-status')) !== 'cached') {
    await startDownload(page, id);
    await expectCached(page, id);
  }
  await page.getByLabel('Model', { exact: true }).selectOption(id);
  await page.getByTestId('model-loader').getByRole('button', { name: /^(Load|Reload)$/ }).click();
  await expect(page.getByTestId('engine-status')).toContainText(`Loaded ${id}`, { timeout: 60_000 });
}

/** Types a message and sends it. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** The assistant messages shown. */
export function replies(page: Page) {
  return page.locator('[data-role="assistant"]');
}

/** Waits until the last reply has finished (complete, interrupted or error). */
export async function waitForReply(page: Page): Promise<void> {
  await expect(replies(page).last()).not.toHaveAttribute('data-status', 'streaming', { timeout: 60_000 });
}
