import type { Page } from '@playwright/test';
import { replies, waitForReply } from './chatHarness';
import { engineStatus, expect, expectModelReady, expectReady, openApp, test, testModels } from './harness';

const composer = (page: Page) => page.getByLabel('Message', { exact: true });

/** Whether an element lies entirely inside the viewport. */
async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const r = document.querySelector(sel)?.getBoundingClientRect();
    return !!r && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.width > 0;
  }, selector);
}

/** Whether the page, or the view's own scrolling area, scrolls sideways (it never should). */
function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth > innerWidth || document.body.scrollWidth > innerWidth) return true;
    // Views scroll inside themselves (the page does not): a card wider than the screen shows there.
    return Array.from(document.querySelectorAll('main .settings-view, main .models-view')).some((view) => view.scrollWidth > view.clientWidth + 1);
  });
}

test('first run: the one primary action on a fresh profile ends with a streamed reply, with no other click than the licence', async ({ page, host }) => {
  await openApp(page, host);
  const start = page.getByTestId('start');
  // The host publishes its own list: its build comes first (the built-in ones cannot download here).
  await expect(start).toHaveAttribute('data-entry', testModels.gguf);
  await expect(start).toContainText('Start with Tiny Llama GGUF');
  await expect(start).toContainText(/F32 · CPU · \d+ KB download/);
  await start.click();
  const dialog = page.getByTestId('licence-dialog');
  await dialog.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Accept and download' }).click();

  // Licence → download (with progress) → verification → load → the composer has focus.
  await expectModelReady(page, testModels.gguf);
  await expect(composer(page)).toBeFocused();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  // From here on the keyboard only: type and press Enter.
  await page.keyboard.type('Hello, who are you?');
  await page.keyboard.press('Enter');
  await expect(replies(page)).toHaveCount(1);
  await waitForReply(page);
  await expect(replies(page).last()).toHaveAttribute('data-status', /complete|interrupted/);
  expect(((await replies(page).last().getByTestId('message-body').textContent()) ?? '').length).toBeGreaterThan(0);
  await expect(replies(page).last().getByTestId('reply-stats')).toContainText(/completion tokens/);
});

test('reload after a reply: the conversation is shown and the model reloads by itself; a message typed while it loads is kept and sent to the same conversation', async ({ page, host }) => {
  // Two full replies of the random model (up to 512 tokens each) and a model load: on 2 busy cores this takes over a minute.
  test.setTimeout(180_000);
  await openApp(page, host);
  await page.getByTestId('start').click();
  await page.getByTestId('licence-dialog').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Accept and download' }).click();
  await expectModelReady(page, testModels.gguf);
  await page.keyboard.type('First message');
  await page.keyboard.press('Enter');
  await waitForReply(page);
  const firstReply = ((await replies(page).last().getByTestId('message-body').textContent()) ?? '').trim();
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/chat');

  // Typing starts at once after the reload, before the model is ready; nothing is lost.
  await page.reload();
  await composer(page).fill('Typed while the model loads');
  await expectReady(page);
  await expect(page.locator('article[data-role="user"]').first()).toHaveText(/First message/);
  expect(((await replies(page).first().getByTestId('message-body').textContent()) ?? '').trim()).toBe(firstReply);
  // No load button: the model loads by itself, and the message goes when it is ready.
  await expect(page.getByRole('button', { name: /^(Load|Reload)$/ })).toHaveCount(0);
  await expectModelReady(page, testModels.gguf);
  await expect(composer(page)).toHaveValue('Typed while the model loads');
  await composer(page).press('Enter');
  await expect(replies(page)).toHaveCount(2);
  await waitForReply(page);
  // Same conversation, not a new one.
  await expect(page.locator('[data-conversation]')).toHaveCount(1);
  await expect(page.locator('article[data-role="user"]')).toHaveText([/First message/, /Typed while the model loads/]);
});

for (const viewport of [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`at ${viewport.width}×${viewport.height} the composer lies inside the first viewport, the page does not scroll sideways`, async ({ page, host }) => {
    await page.setViewportSize(viewport);
    await openApp(page, host);
    expect(await inViewport(page, '#composer-input')).toBe(true);
    expect(await overflowsSideways(page)).toBe(false);
    await page.getByTestId('start').click();
    await page.getByTestId('licence-dialog').getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Accept and download' }).click();
    await expectModelReady(page, testModels.gguf);
    // Enough messages to scroll: the page itself never scrolls, the message list does.
    for (let i = 0; i < 3; i++) {
      await composer(page).fill(`Message ${i} ${'with some words '.repeat(12)}`);
      await composer(page).press('Enter');
      await waitForReply(page);
    }
    expect(await inViewport(page, '#composer-input')).toBe(true);
    expect(await page.evaluate(() => document.scrollingElement?.scrollTop ?? 0)).toBe(0);
    expect(await overflowsSideways(page)).toBe(false);
    for (const view of ['#/models', '#/settings']) {
      await page.evaluate((hash) => (location.hash = hash), view);
      await expect(page.locator('main')).toHaveClass(new RegExp(`view-${view.slice(2)}`));
      expect(await overflowsSideways(page), view).toBe(false);
    }
    await expect(engineStatus(page)).toHaveAttribute('data-state', 'ready');
  });
}
