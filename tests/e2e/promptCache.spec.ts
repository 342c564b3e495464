import { lastReplyStats, openChatWith, replies, sendMessage, setChatNumber, waitForReply } from './chatHarness';
import { expect, test, testModels } from './harness';

/** The numbers of a reply's stats line: prompt tokens, and how many of them came from the cache. */
async function promptFigures(stats: import('@playwright/test').Locator): Promise<{ prompt: number; cached: number; of: number }> {
  const text = (await stats.textContent()) ?? '';
  const prompt = /(\d+) prompt \+ \d+ completion tokens/.exec(text);
  const cache = /([\d,]+) of ([\d,]+) prompt tokens from cache/.exec(text);
  if (!prompt || !cache) throw new Error(`no prompt or cache figures in "${text}"`);
  const n = (s: string): number => Number(s.replace(/,/g, ''));
  return { prompt: Number(prompt[1]), cached: n(cache[1]), of: n(cache[2]) };
}

test('the second turn reuses the KV cache of the first (real generation), and the stats say how much', async ({ page, host }) => {
  await openChatWith(page, host, testModels.gguf);
  // Short replies: the whole first turn stays in the window for the second.
  await setChatNumber(page, 'Max new tokens', 48);
  await sendMessage(page, 'Tell me something about the sea.');
  await waitForReply(page);
  const first = await promptFigures(lastReplyStats(page));
  expect(first.cached).toBe(0);
  expect(first.of).toBe(first.prompt);

  await sendMessage(page, 'And about the sky?');
  await waitForReply(page);
  await expect(replies(page)).toHaveCount(2);
  const second = await promptFigures(lastReplyStats(page));
  // Everything the first turn's prompt was is reused; only the reply and the new message are new.
  expect(second.of).toBe(second.prompt);
  expect(second.cached).toBeGreaterThanOrEqual(first.prompt);
  expect(second.cached).toBeLessThan(second.prompt);
});
