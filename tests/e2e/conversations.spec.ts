import { readFile } from 'node:fs/promises';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { openChatWith, sendMessage, waitForReply } from './chatHarness';
import { expect, modelRow, openApp, test, testModels } from './harness';

const list = (page: import('@playwright/test').Page) => page.getByRole('navigation', { name: 'Conversations' });

test('conversations: rename and delete (with confirmation) persist; Markdown export carries the model and the replies', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await sendMessage(page, 'First chat');
  await waitForReply(page);
  await list(page).getByRole('button', { name: 'New chat' }).click();
  await sendMessage(page, 'Second chat');
  await waitForReply(page);

  // Rename the first one from the keyboard: Enter saves.
  await list(page).getByRole('button', { name: 'Rename “First chat”' }).click();
  await page.getByLabel('New name for “First chat”').fill('Renamed chat');
  await page.keyboard.press('Enter');
  await expect(list(page).getByRole('button', { name: /^Renamed chat/ })).toBeVisible();

  // Delete asks first; "Keep it" keeps it.
  await list(page).getByRole('button', { name: 'Delete “Second chat”' }).click();
  await list(page).getByRole('button', { name: 'Keep it' }).click();
  await expect(list(page).getByRole('button', { name: /^Second chat/ })).toBeVisible();
  await list(page).getByRole('button', { name: 'Delete “Second chat”' }).click();
  await list(page).getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(list(page).getByRole('button', { name: /^Second chat/ })).toHaveCount(0);

  // Both changes are in IndexedDB: a reload shows them.
  await page.reload();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(list(page).locator('[data-conversation]')).toHaveCount(1);
  await list(page).getByRole('button', { name: /^Renamed chat/ }).click();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export Markdown' }).click();
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
  await expect(page.getByTestId('model-host')).toHaveText(host.url);
  await page.getByText('Model host:').click();
  const input = page.getByLabel('Hugging Face–compatible host or mirror');
  await expect(input).toHaveValue(host.url);

  await input.fill('ftp://mirror.example/models');
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'must be an http(s) URL' })).toBeVisible();
  await expect(page.getByTestId('model-host')).toHaveText(host.url);

  // A mirror with nothing behind it (loopback: tests never leave the machine) lists no test
  // model; pointing back brings them, asked for again.
  const empty = 'http://127.0.0.1:9';
  await input.fill(empty);
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(page.getByTestId('model-host')).toHaveText(empty);
  await expect(modelRow(page, testModels.programmed)).toHaveCount(0);
  host.clearRequests();
  await input.fill(host.url);
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(modelRow(page, testModels.programmed)).toBeVisible();
  expect(host.requests.map((r) => r.path)).toEqual(['/hearth-catalog.json']);

  // Remembered across a reload without a ?modelHost= parameter.
  await page.goto('/');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('model-host')).toHaveText(host.url);
});
