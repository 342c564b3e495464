import type { Page } from '@playwright/test';
import { PROGRAMMED_REPLY, PROGRAMMED_REPLY_WORDS } from '../fixtures/gguf';
import { importConversation, openChatWith, replies, sendMessage, setChatNumber, waitForReply } from './chatHarness';
import { expect, openApp, test, testModels } from './harness';

/** The text of every message shown, in order. */
function texts(page: Page): Promise<string[]> {
  return page.locator('article[data-role]').evaluateAll((as) => as.map((a) => (a.querySelector('[data-testid="message-body"]')?.textContent ?? '').trim()));
}

const completion = async (page: Page): Promise<number> => Number((/([\d,]+) completion tokens/.exec((await replies(page).last().getByTestId('reply-stats').textContent()) ?? '')?.[1] ?? '-1').replace(/,/g, ''));

test('copy puts a message’s Markdown on the clipboard', async ({ page, host, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page, host);
  const markdown = 'Here is **bold** and a list:\n\n- one\n- two';
  await importConversation(page, { title: 'Copy me', user: 'Show me Markdown', assistant: markdown });
  await replies(page).last().getByRole('button', { name: 'Copy reply (Markdown)' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(markdown);
  await page.locator('article[data-role="user"]').getByRole('button', { name: 'Copy message' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('Show me Markdown');
});

test('any reply can be regenerated, not only the last: the old one is kept as a version, switched on the reply itself', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await setChatNumber(page, 'Max new tokens', 5);
  await sendMessage(page, 'First question');
  await waitForReply(page);
  await sendMessage(page, 'Second question');
  await waitForReply(page);
  const short = PROGRAMMED_REPLY_WORDS.slice(0, 5).join('');
  expect(await texts(page)).toEqual(['First question', short, 'Second question', short]);

  await setChatNumber(page, 'Max new tokens', 64);
  await replies(page).first().getByRole('button', { name: 'Regenerate reply' }).click();
  await waitForReply(page);
  // What followed the regenerated reply went with the old version.
  expect(await texts(page)).toEqual(['First question', PROGRAMMED_REPLY]);
  const reply = replies(page).first();
  await expect(reply.getByTestId('version-count')).toHaveText('2/2');
  await reply.getByRole('button', { name: 'Previous version' }).click();
  expect(await texts(page)).toEqual(['First question', short, 'Second question', short]);
  await expect(replies(page).first().getByTestId('version-count')).toHaveText('1/2');
  await expect(replies(page).first().getByRole('button', { name: 'Previous version' })).toBeDisabled();
  await replies(page).first().getByRole('button', { name: 'Next version' }).click();
  expect(await texts(page)).toEqual(['First question', PROGRAMMED_REPLY]);
});

test('a reply cut at the token limit can be continued: the model writes on in the same message', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await setChatNumber(page, 'Max new tokens', 5);
  await sendMessage(page, 'Hello there');
  await waitForReply(page);
  const reply = replies(page).last();
  await expect(reply.getByTestId('cut-at-limit')).toBeVisible();
  expect(await completion(page)).toBe(5);
  await setChatNumber(page, 'Max new tokens', 64);
  await reply.getByRole('button', { name: 'Continue' }).click();
  await waitForReply(page);
  // The programmed model follows each token with the next: continuing from the cut gives the whole reply.
  await expect(replies(page)).toHaveCount(1);
  expect((await replies(page).last().getByTestId('message-body').textContent())?.trim()).toBe(PROGRAMMED_REPLY);
  await expect(replies(page).last().getByTestId('cut-at-limit')).toHaveCount(0);
  await expect(replies(page).last().getByRole('button', { name: 'Continue' })).toHaveCount(0);
  expect(await completion(page)).toBeGreaterThan(5);
});

test('a stopped reply’s stats are true: its tokens and a measured rate, never 0.0 tok/s', async ({ page, host }) => {
  await openChatWith(page, host, testModels.gguf);
  await setChatNumber(page, 'Temperature', 0);
  await setChatNumber(page, 'Max new tokens', 512);
  // Stop from inside the page once a few pieces are on screen (real click on the real button).
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      const last = [...document.querySelectorAll('article[data-role="assistant"]')].at(-1);
      const text = last?.querySelector('[data-testid="message-body"]')?.textContent ?? '';
      if (last?.getAttribute('data-status') !== 'streaming' || text.length < 40) return;
      const stop = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop');
      if (!stop) return;
      observer.disconnect();
      stop.click();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await sendMessage(page, 'Tell me a long story');
  await waitForReply(page);
  await expect(replies(page).last()).toHaveAttribute('data-status', 'interrupted');
  const stats = (await replies(page).last().getByTestId('reply-stats').textContent()) ?? '';
  expect(stats).not.toMatch(/\b0\.0 tok\/s/);
  expect(Number(/decode ([\d.]+) tok\/s/.exec(stats)?.[1] ?? 0)).toBeGreaterThan(0);
  const tokens = await completion(page);
  expect(tokens).toBeGreaterThan(1);
  expect(tokens).toBeLessThan(512);
});

test('the context meter belongs to the open conversation', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await sendMessage(page, 'A first conversation with a few words in it');
  await waitForReply(page);
  const meter = page.getByTestId('context-meter');
  await expect(meter).toContainText(/of 256 tokens/);
  const used = Number(/([\d,]+) of 256/.exec((await meter.textContent()) ?? '')?.[1].replace(',', ''));
  expect(used).toBeGreaterThan(20);

  // A new chat does not show the previous conversation's numbers.
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(meter).toHaveCount(0);
  await sendMessage(page, 'Hi');
  await waitForReply(page);
  const fresh = Number(/([\d,]+) of 256/.exec((await meter.textContent()) ?? '')?.[1].replace(',', ''));
  expect(fresh).toBeLessThan(used);

  // Back to the first: its own meter again.
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^A first conversation/ }).click();
  await expect(meter).toContainText(new RegExp(`${used} of 256`));
});

test('code blocks are highlighted by a lazily loaded highlighter (classes only, under the CSP), with copy', async ({ page, host, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  await openApp(page, host);
  expect(scripts.filter((s) => /highlight/.test(s))).toEqual([]);
  const code = 'def reverse(text: str) -> str:\n    return text[::-1]  # a comment';
  await importConversation(page, { title: 'Code', user: 'Reverse a string', assistant: `Like this:\n\n\`\`\`python\n${code}\n\`\`\`` });
  const block = replies(page).last().locator('pre code');
  await expect(block).toHaveClass(/hljs/);
  await expect(block.locator('span.hljs-keyword').first()).toHaveText('def');
  await expect(block.locator('span.hljs-comment')).toHaveText('# a comment');
  await expect(block).toHaveText(code);
  expect(scripts.filter((s) => /highlight/.test(s))).toHaveLength(1);
  // No inline style anywhere in the highlighted code (the CSP would block it; the suite fails on any violation).
  expect(await block.locator('[style]').count()).toBe(0);
  await replies(page).last().getByRole('button', { name: 'Copy code' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(code);
});
