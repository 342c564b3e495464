import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { openChatWith, sendMessage, waitForReply } from './chatHarness';
import { expect, expectReady, gotoView, modelRow, openApp, test, testModels } from './harness';

const list = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });

/** Opens a conversation's menu in the sidebar and picks an item. */
async function conversationAction(page: Page, title: string, item: string): Promise<void> {
  await list(page).getByRole('button', { name: `Actions for “${title}”` }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

test('conversations: rename and delete (with confirmation) persist; grouped by date; Markdown export carries the model and the replies', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await sendMessage(page, 'First chat');
  await waitForReply(page);
  await list(page).getByRole('button', { name: 'New chat' }).click();
  await sendMessage(page, 'Second chat');
  await waitForReply(page);
  await expect(list(page).getByRole('heading', { name: 'Today' })).toBeVisible();

  // Rename from the item's menu; Enter saves. One tab stop for the item, one for its menu.
  await conversationAction(page, 'First chat', 'Rename');
  await page.getByLabel('New name for “First chat”').fill('Renamed chat');
  await page.keyboard.press('Enter');
  await expect(list(page).getByRole('button', { name: /^Renamed chat/ })).toBeVisible();

  // Delete asks first; "Keep it" keeps it.
  await conversationAction(page, 'Second chat', 'Delete…');
  const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await expect(list(page).getByRole('button', { name: /^Second chat/ })).toBeVisible();
  await conversationAction(page, 'Second chat', 'Delete…');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(list(page).getByRole('button', { name: /^Second chat/ })).toHaveCount(0);

  // Both changes are in IndexedDB: a reload shows them.
  await page.reload();
  await expectReady(page);
  await expect(list(page).locator('[data-conversation]')).toHaveCount(1);
  await list(page).getByRole('button', { name: /^Renamed chat/ }).click();

  // Search finds a conversation by what was said in it, not only by its title.
  await list(page).getByLabel('Search conversations').fill('first chat');
  await expect(list(page).locator('[data-conversation]')).toHaveCount(1);
  await list(page).getByLabel('Search conversations').fill('nothing like this');
  await expect(list(page).locator('[data-conversation]')).toHaveCount(0);
  await list(page).getByLabel('Search conversations').fill('');

  const download = page.waitForEvent('download');
  await conversationAction(page, 'Renamed chat', 'Export as Markdown');
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.md$/);
  const markdown = await readFile(await file.path(), 'utf8');
  expect(markdown).toContain('# Renamed chat');
  expect(markdown).toMatch(new RegExp(`- Model: ${testModels.programmed} \\(revision [0-9a-f]{40}, wllama\\)`));
  expect(markdown).toContain('## User\n\nFirst chat');
  expect(markdown).toContain(PROGRAMMED_REPLY);
  expect(markdown).toMatch(/tok\/s/);
});

test('the model host setting refuses a non-URL in plain words and switches to a mirror', async ({ page, host }) => {
  await openApp(page, host);
  await gotoView(page, 'Settings');
  await expect(page.getByTestId('model-host')).toHaveText(host.url);
  const input = page.getByLabel('Hugging Face–compatible host or mirror');
  await expect(input).toHaveValue(host.url);

  await input.fill('ftp://mirror.example/models');
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'must be an http(s) URL' })).toBeVisible();
  await expect(page.getByTestId('model-host')).toHaveText(host.url);

  // A mirror with nothing behind it (loopback: tests never leave the machine) lists no test
  // model and says it cannot be reached; pointing back brings them, asked for again.
  const empty = 'http://127.0.0.1:9';
  await input.fill(empty);
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(page.getByTestId('model-host')).toHaveText(empty);
  await expect(page.getByTestId('host-notice')).toHaveAttribute('data-kind', 'unreachable');
  await gotoView(page, 'Models');
  await expect(modelRow(page, testModels.programmed)).toHaveCount(0);
  host.clearRequests();
  await gotoView(page, 'Settings');
  await input.fill(host.url);
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(page.getByTestId('host-notice')).toHaveCount(0);
  await gotoView(page, 'Models');
  await expect(modelRow(page, testModels.programmed)).toBeVisible();
  expect(host.requests.map((r) => r.path)).toEqual(['/hearth-catalog.json']);

  // Remembered across a reload without a ?modelHost= parameter.
  await page.goto('/#/settings');
  await expectReady(page);
  await expect(page.getByTestId('model-host')).toHaveText(host.url);
});
