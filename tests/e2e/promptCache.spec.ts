import type { Locator, Page } from '@playwright/test';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { lastReplyStats, openChatWith, replies, sendMessage, setChatNumber, waitForReply } from './chatHarness';
import { expect, test, testModels } from './harness';

/** The numbers of a reply's stats line: prompt and completion tokens, and how many prompt tokens came from the cache. */
async function promptFigures(stats: Locator): Promise<{ prompt: number; completion: number; cached: number; of: number }> {
  const text = (await stats.textContent()) ?? '';
  const prompt = /([\d,]+) prompt \+ ([\d,]+) completion tokens/.exec(text);
  const cache = /([\d,]+) of ([\d,]+) prompt tokens from cache/.exec(text);
  if (!prompt || !cache) throw new Error(`no prompt or cache figures in "${text}"`);
  const n = (s: string): number => Number(s.replace(/,/g, ''));
  return { prompt: n(prompt[1]), completion: n(prompt[2]), cached: n(cache[1]), of: n(cache[2]) };
}

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

/** Types a message and waits until the model has read it ahead (the composer says so), then sends it. */
async function typeReadAheadAndSend(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await expect(page.locator('form.composer')).toHaveAttribute('data-prepared', 'true');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

test('a message is read by the model while it is typed: Send computes only the turn’s closing tokens, and the reply is exact (real generation)', async ({ page, host }) => {
  // The programmed model always says PROGRAMMED_REPLY: a wrong prompt or cache would show in the text.
  await openChatWith(page, host, testModels.programmed);
  // Room for three turns in its 256-token window: a reply is 15 tokens, and the window keeps the
  // reply's allowance free (the default, 128, would leave the first turn out of the second prompt).
  await setChatNumber(page, 'Max new tokens', 24);
  // Llama 3's end of turn and assistant header (5 tokens), and the last token llama.cpp reads again.
  const closing = 6;
  const question = 'Tell me something about the sea, in a few words please.';
  await typeReadAheadAndSend(page, question);
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY]);
  const first = await promptFigures(lastReplyStats(page));
  expect(first.cached).toBeGreaterThan(0);
  expect(first.prompt - first.cached).toBeLessThanOrEqual(closing);

  // The next turn: the exchange and the typed message, all read before Send.
  await typeReadAheadAndSend(page, 'And what about the rivers that run into it?');
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY, 'And what about the rivers that run into it?', PROGRAMMED_REPLY]);
  const second = await promptFigures(lastReplyStats(page));
  expect(second.cached).toBeGreaterThan(first.prompt);
  expect(second.prompt - second.cached).toBeLessThanOrEqual(closing);

  // A draft read ahead, then changed (not extended) and sent at once: the reply is still exact.
  const composer = page.getByLabel('Message', { exact: true });
  await composer.fill('What colour is the water of the lake at dawn?');
  await expect(page.locator('form.composer')).toHaveAttribute('data-prepared', 'true');
  await sendMessage(page, 'What colour is the sky at dawn?');
  await waitForReply(page);
  expect(await texts(page)).toEqual([question, PROGRAMMED_REPLY, 'And what about the rivers that run into it?', PROGRAMMED_REPLY, 'What colour is the sky at dawn?', PROGRAMMED_REPLY]);
  const third = await promptFigures(lastReplyStats(page));
  // The second exchange and the words the two drafts share were read before.
  expect(third.cached).toBeGreaterThan(second.prompt);
});
