import type { Page } from '@playwright/test';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { readSliceChars } from '../../workers/engine/llamaCacheSettle';
import { lastReplyStats, openChatWith, promptFigures, replies, sendMessage, setChatNumber, waitForReply } from './chatHarness';
import { expect, test, testModels } from './harness';

/** The text of each message shown, in order. */
async function texts(page: Page): Promise<string[]> {
  return page.locator('article[data-role] [data-testid="message-body"]').evaluateAll((bodies) => bodies.map((b) => (b.textContent ?? '').trim()));
}

/** Edits the first user message to `text` and sends it again, as a user would. */
async function editFirstMessage(page: Page, text: string): Promise<void> {
  const first = page.locator('article[data-role="user"]').first();
  await first.getByRole('button', { name: 'Edit message' }).click();
  await first.getByLabel('Edit your message').fill(text);
  await first.getByRole('button', { name: 'Save and resend' }).click();
}

test('the second turn finds the whole first exchange in the cache, its reply included, though the reply does not tokenize back (real generation)', async ({ page, host }) => {
  // The random model's replies never tokenize back to the tokens it generated, so only the
  // engine settling its cache after the reply makes them a cache hit.
  await openChatWith(page, host, testModels.gguf);
  await setChatNumber(page, 'Max new tokens', 48);
  const question = 'Tell me something about the sea.';
  await sendMessage(page, question);
  await waitForReply(page);
  const first = await promptFigures(lastReplyStats(page));
  expect(first.of).toBe(first.prompt);
  expect(first.completion).toBeGreaterThan(0);

  // The same words again: the new part of the prompt is the length of the first turn's message.
  await sendMessage(page, question);
  await waitForReply(page);
  await expect(replies(page)).toHaveCount(2);
  const second = await promptFigures(lastReplyStats(page));
  expect(second.of).toBe(second.prompt);
  // The first turn's prompt and its whole reply come from the cache…
  expect(second.cached).toBeGreaterThanOrEqual(first.prompt + first.completion);
  // …and llama.cpp computes no more than the new message (less than the whole first prompt, which
  // had the same message and the template's header besides).
  expect(second.prompt - second.cached).toBeLessThan(first.prompt);

  // Regenerate: the same prompt, all of it from the cache but the last token llama.cpp reads again.
  await replies(page).last().getByRole('button', { name: 'Regenerate reply' }).click();
  await waitForReply(page);
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
  await expect(replies(page).last().getByTestId('version-count')).toHaveText('2/2');
  const regenerated = await promptFigures(lastReplyStats(page));
  expect(regenerated.prompt).toBe(second.prompt);
  expect(regenerated.cached).toBeGreaterThanOrEqual(second.cached);
  expect(regenerated.completion).toBeGreaterThan(0);

  // Edit the first message: a new conversation from there; only what comes before the edit is reused.
  await editFirstMessage(page, 'Tell me something about rivers.');
  await waitForReply(page);
  await expect(replies(page)).toHaveCount(1);
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
  const edited = await promptFigures(lastReplyStats(page));
  expect(edited.cached).toBeLessThan(first.prompt);
  expect(edited.completion).toBeGreaterThan(0);
});

test('after the cache is settled, a continue, a next turn, a regenerate and an edit still give the exact reply (real generation)', async ({ page, host }) => {
  // The programmed model always says PROGRAMMED_REPLY, one token after the other: any wrong
  // prompt or cache would show in the text.
  await openChatWith(page, host, testModels.programmed);
  await setChatNumber(page, 'Max new tokens', 5);
  const question = 'First question';
  await sendMessage(page, question);
  await waitForReply(page);
  const cut = await promptFigures(lastReplyStats(page));
  await setChatNumber(page, 'Max new tokens', 64);
  await replies(page).last().getByRole('button', { name: 'Continue' }).click();
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY]);

  // The same words again, so the new part of the prompt is as long as the first turn's message.
  await sendMessage(page, question);
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY, question, PROGRAMMED_REPLY]);
  const second = await promptFigures(lastReplyStats(page));
  // The continued exchange came from the cache: llama.cpp computed less than the first prompt.
  expect(second.prompt - second.cached).toBeLessThan(cut.prompt);

  await replies(page).last().getByRole('button', { name: 'Regenerate reply' }).click();
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY, question, PROGRAMMED_REPLY]);
  await expect(replies(page).last().getByTestId('version-count')).toHaveText('2/2');

  await editFirstMessage(page, 'First question, rephrased');
  await waitForReply(page);
  expect(await texts(page)).toEqual(['First question, rephrased', PROGRAMMED_REPLY]);
});

/** The composer says the model has read the message in the box. */
async function expectReadAhead(page: Page): Promise<void> {
  await expect(page.locator('form.composer')).toHaveAttribute('data-prepared', 'true');
}

/**
 * Puts `text` in the box and sends it in the same moment, as a paste and Enter would, so nothing
 * of it is read ahead (the read-ahead waits a quarter second).
 */
async function pasteAndSend(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).evaluate((box: HTMLTextAreaElement, value) => {
    box.value = value;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    box.form?.requestSubmit();
  }, text);
}

// Llama 3's end of turn and assistant header (5 tokens), and the last token llama.cpp reads again.
const closingTokens = 6;

test('a message is read by the model while it is typed: Send computes only the turn’s closing tokens, and the reply is exact (real generation)', async ({ page, host }) => {
  // The programmed model always says PROGRAMMED_REPLY: a wrong prompt or cache would show in the text.
  await openChatWith(page, host, testModels.programmed);
  // Room for three turns in its 256-token window: a reply is 15 tokens, and the window keeps the
  // reply's allowance free (the default, 128, would leave the first turn out of the second prompt).
  await setChatNumber(page, 'Max new tokens', 24);
  const box = page.getByLabel('Message', { exact: true });
  const question = 'Tell me something about the sea, in a few words please.';
  await box.pressSequentially(question, { delay: 15 });
  await expectReadAhead(page);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY]);
  const first = await promptFigures(lastReplyStats(page));
  expect(first.cached).toBeGreaterThan(0);
  expect(first.prompt - first.cached).toBeLessThanOrEqual(closingTokens);

  // Typed key by key while the exchange is settled, and sent at the last key: the drafts read
  // meanwhile and the settled exchange are all the prompt begins with.
  const next = 'And what about the rivers that run into it?';
  await box.pressSequentially(next, { delay: 15 });
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY, next, PROGRAMMED_REPLY]);
  const second = await promptFigures(lastReplyStats(page));
  expect(second.cached).toBeGreaterThan(first.prompt + first.completion);

  // A draft read ahead, then replaced and sent at once: the reply is still exact.
  await box.fill('What colour is the water of the lake at dawn?');
  await expectReadAhead(page);
  await pasteAndSend(page, 'What colour is the sky at dawn?');
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY, next, PROGRAMMED_REPLY, 'What colour is the sky at dawn?', PROGRAMMED_REPLY]);
  const third = await promptFigures(lastReplyStats(page));
  // The second exchange and the words the two drafts share were read before.
  expect(third.cached).toBeGreaterThan(second.prompt);
});

test('a long paste is read a slice at a time until the model has read it whole; Send then computes only the closing tokens (real generation)', async ({ page, host }) => {
  // The random model's 1,024-token window takes ~1,800 characters of plain words (two slices).
  await openChatWith(page, host, testModels.gguf);
  await setChatNumber(page, 'Max new tokens', 24);
  const paste = Array.from({ length: 300 }, (_, i) => ['river', 'stone', 'mill', 'bank'][i % 4]).join(' ');
  expect(paste.length).toBeGreaterThan(readSliceChars * 1.5);
  await page.getByLabel('Message', { exact: true }).fill(paste);
  await expectReadAhead(page);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForReply(page);
  await expect(replies(page).last()).not.toHaveAttribute('data-status', 'streaming');
  const sent = await promptFigures(lastReplyStats(page));
  expect(sent.prompt).toBeGreaterThan(500);
  expect(sent.prompt - sent.cached).toBeLessThanOrEqual(closingTokens);
});

test('a paragraph deleted from a message read ahead is not in what the model reads: the text after it is computed again, not moved from the cache (real generation)', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await setChatNumber(page, 'Max new tokens', 24);
  // Plain words: this vocabulary has no token longer than two of their characters.
  const paragraph = (words: string[], length: number): string => Array.from({ length }, (_, i) => words[i % words.length]).join(' ');
  const kept = paragraph(['sea', 'wave', 'salt'], 6);
  const deleted = paragraph(['bread', 'flour', 'oven'], 6);
  const after = paragraph(['river', 'bridge', 'stone', 'mill', 'bank'], 26);
  // At least 64 tokens: a run llama.cpp would move from its cache (cacheReuseChunk).
  expect(after.length).toBeGreaterThanOrEqual(2 * 64);
  await page.getByLabel('Message', { exact: true }).fill(`${kept}\n\n${deleted}\n\n${after}`);
  await expectReadAhead(page);
  // The middle paragraph deleted and the message sent at once.
  await pasteAndSend(page, `${kept}\n\n${after}`);
  await waitForReply(page);
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
  const sent = await promptFigures(lastReplyStats(page));
  // llama.cpp would have moved the last paragraph's cache (computed with the deleted one in view)
  // into place; it is computed again instead.
  expect(sent.prompt - sent.cached).toBeGreaterThanOrEqual(64);
});

test('when the oldest turns are left out, llama.cpp moves the turns that stay into place: most of the prompt comes from the cache (real generation)', async ({ page, host }) => {
  // The random model's 1,024-token window holds several turns of ~100 tokens beside a 24-token reply.
  await openChatWith(page, host, testModels.gguf);
  await setChatNumber(page, 'Max new tokens', 24);
  let before: Awaited<ReturnType<typeof promptFigures>> | null = null;
  for (let i = 1; i <= 16; i++) {
    // Sent at once, so nothing of it is read ahead: what comes from the cache was cached before.
    await pasteAndSend(page, `Message number ${i}: tell me about the weather today, about the sea and its rivers, the bridges and the mills`);
    await waitForReply(page);
    await expect(replies(page).last()).not.toHaveAttribute('data-status', 'streaming');
    const figures = await promptFigures(lastReplyStats(page));
    // A prompt shorter than the last one with its reply left the oldest turns out.
    if (before && figures.prompt < before.prompt + before.completion) {
      // The turns that stay came from the cache, moved into place: llama.cpp computed the new
      // message as in the turns before (computed again, only the template's first ~50 tokens
      // of ~600 would come from the cache).
      expect(figures.cached).toBeGreaterThan(figures.prompt / 2);
      expect(figures.prompt - figures.cached).toBeLessThanOrEqual(before.prompt - before.cached + 8);
      return;
    }
    before = figures;
  }
  throw new Error('no prompt left a turn out');
});
