import { seriousViolations } from './axe';
import { importConversation, openChatWith, replies, sendMessage, waitForReply } from './chatHarness';
import { engineStatus, expect, expectModelReady, expectReady, openApp, test, testModels } from './harness';
import type { Page } from '@playwright/test';

async function expectAccessible(page: Page, view: string): Promise<void> {
  expect(await seriousViolations(page), view).toEqual([]);
}

/** Every view the issue lists, in the scheme and size the test runs with. */
async function everyView(page: Page, host: Parameters<typeof openApp>[1], narrow: boolean): Promise<void> {
  await openApp(page, host);
  await expect(page.getByTestId('start')).toBeVisible();
  await expectAccessible(page, 'first run');

  await page.getByTestId('start').click();
  await expectAccessible(page, 'licence dialog');
  await page.getByTestId('licence-dialog').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Accept and download' }).click();
  await expect(engineStatus(page)).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await sendMessage(page, 'Hello');
  await waitForReply(page);
  if (narrow) await page.getByRole('button', { name: 'Conversations' }).click();
  await importConversation(page, { title: 'Code', user: 'Some code?', assistant: 'Yes:\n\n```js\nconst answer = 42; // the answer\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |' });
  await expect(replies(page).last().locator('.hljs')).toBeVisible();
  await expectAccessible(page, 'chat with a reply and a code block');

  await page.getByRole('button', { name: 'Chat settings' }).click();
  await expectAccessible(page, 'chat settings');
  await page.getByRole('button', { name: 'Done' }).click();

  const toggle = page.getByRole('button', { name: 'Model details', exact: true });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(page.getByTestId('model-card')).toBeVisible();
  await page.getByTestId('model-panel').locator('details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  await expectAccessible(page, 'model panel open');
  if (narrow) await page.getByRole('button', { name: 'Close model details' }).click();

  if (narrow) {
    await page.getByRole('button', { name: 'Conversations' }).click();
    await expectAccessible(page, 'conversation drawer');
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('Shift+?');
  await expect(page.getByTestId('shortcuts-help')).toBeVisible();
  await expectAccessible(page, 'shortcuts help');
  await page.keyboard.press('Escape');

  await page.evaluate(() => (location.hash = '#/models'));
  await expect(page.locator('main.view-models')).toBeVisible();
  await expectAccessible(page, 'models');
  await page.evaluate(() => (location.hash = '#/settings'));
  await expect(page.locator('main.view-settings')).toBeVisible();
  await expectAccessible(page, 'settings');
}

for (const scheme of ['light', 'dark'] as const) {
  for (const size of [
    { width: 1366, height: 900 },
    { width: 390, height: 844 },
  ]) {
    test(`axe finds nothing serious on any view (${scheme}, ${size.width} px)`, async ({ page, host }) => {
      test.setTimeout(120_000);
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(size);
      await everyView(page, host, size.width < 700);
    });
  }
}

test('a skip link reaches the composer in one Tab; the focus ring shows on primary buttons too', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  // A fresh page: the first Tab lands on the skip link.
  await page.reload();
  await expectReady(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the message box' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Message', { exact: true })).toBeFocused();

  // The ring has a colour of its own (not the primary buttons' fill) and is drawn outside them.
  await expectModelReady(page, testModels.programmed);
  await page.keyboard.type('x');
  const send = page.getByRole('button', { name: 'Send' });
  await page.keyboard.press('Tab'); // chat settings
  await page.keyboard.press('Tab');
  await expect(send).toBeFocused();
  const ring = await send.evaluate((el) => {
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, background: s.backgroundColor, offset: parseFloat(s.outlineOffset) };
  });
  expect(ring.outline).toBe('solid');
  expect(ring.width).toBeGreaterThanOrEqual(2);
  expect(ring.offset).toBeGreaterThan(0);
  expect(ring.color).not.toBe(ring.background);
});

test('shortcuts: new chat, focus the composer, stop with Esc, sidebar and panel, and the help that lists them', async ({ page, host }) => {
  await openChatWith(page, host, testModels.gguf);
  const box = page.getByLabel('Message', { exact: true });
  await sendMessage(page, 'A first chat');
  await waitForReply(page);

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('/');
  await expect(box).toBeFocused();

  await page.keyboard.press('Control+Shift+O');
  await expect(page.locator('article[data-role]')).toHaveCount(0);
  await expect(box).toBeFocused();

  // Esc stops a reply being written.
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      const last = [...document.querySelectorAll('article[data-role="assistant"]')].at(-1);
      if (last?.getAttribute('data-status') !== 'streaming' || !(last.textContent ?? '').trim()) return;
      observer.disconnect();
      document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Chat settings' }).click();
  await page.getByLabel('Max new tokens', { exact: true }).fill('512');
  await page.getByLabel('Max new tokens', { exact: true }).blur();
  await page.getByRole('button', { name: 'Done' }).click();
  await sendMessage(page, 'Tell me a long story');
  await waitForReply(page);
  await expect(replies(page).last()).toHaveAttribute('data-status', 'interrupted');

  const sidebar = page.getByRole('navigation', { name: 'Conversations' });
  await expect(sidebar).toBeVisible();
  await page.keyboard.press('Control+Shift+S');
  await expect(sidebar).toHaveCount(0);
  await page.keyboard.press('Control+Shift+S');
  await expect(sidebar).toBeVisible();

  const panel = page.getByTestId('model-panel');
  const shown = await panel.isVisible();
  await page.keyboard.press('Control+Shift+E');
  await expect(panel).toHaveCount(shown ? 0 : 1);
  await page.keyboard.press('Control+Shift+E');
  await expect(panel).toHaveCount(shown ? 1 : 0);

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Shift+?');
  const help = page.getByTestId('shortcuts-help');
  await expect(help).toBeVisible();
  for (const label of ['New chat', 'Focus the message box', 'Stop the reply or the benchmark', 'Show or hide the conversations', 'Show or hide the model details']) await expect(help).toContainText(label);
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});
