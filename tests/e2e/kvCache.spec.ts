import { startModelHost, wideKvTestRepo } from '../fixtures/modelHost';
import { kvCache, lastReplyStats, replies, sendMessage, setChatNumber, useModel, waitForReply } from './chatHarness';
import { test as base, expect, expectModelReady, gotoView, openApp } from './harness';

/** A tiny model with a large KV cache a token (16 layers x 2 KV heads x 256 values), trained for 16,384 tokens. */
const wideKv = 'Wide-KV-Llama-GGUF';
/** The same with attention heads of 80 values (16 x 2 x 160 a token), which an 8-bit cache cannot hold: its blocks are 32 values. */
const oddHeads = 'Odd-Heads-Llama-GGUF';
/** That model as an entry saved before catalogs carried the head sizes: only llama.cpp's refusal tells. */
const oddHeadsSavedBefore = 'Odd-Heads-Saved-Before-GGUF';
const oddHeadsShape = { nVocab: 512, nEmbd: 160, nLayer: 16, nHead: 2, nHeadKv: 2, nFf: 64, nCtx: 16384 };

const test = base.extend({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const repos = [wideKvTestRepo(wideKv, 21), wideKvTestRepo(oddHeads, 22, oddHeadsShape), { ...wideKvTestRepo(oddHeadsSavedBefore, 23, oddHeadsShape), withoutKvHeadSizes: true }];
    const host = await startModelHost({ port: 0, repos });
    await use(host);
    await host.close();
  },
});

test('llama.cpp keeps the conversation in an exact f32 cache while it fits 256 MiB, and past that in an 8-bit cache with flash attention; the model details say which and why, and it replies', async ({ page, host }) => {
  await openApp(page, host);
  await useModel(page, wideKv);
  // The host's default window, 1,024 tokens: 8,192 values x 4 B x 1,024 = 32 MiB in f32.
  await expect(kvCache(page)).toHaveAttribute('data-type', 'f32');
  await expect(kvCache(page)).toHaveAttribute('data-flash-attention', 'off');
  await expect(kvCache(page)).toContainText(/^f32, 32 MiB, flash attention off/);
  await expect(kvCache(page)).toContainText('f32 without flash attention: on the CPU');

  // Its whole window: 512 MiB in f32, so 8-bit (34 B for every 32 values: 136 MiB), which llama.cpp
  // computes only with flash attention.
  await gotoView(page, 'Settings');
  const settings = page.getByTestId('engine-settings');
  await settings.getByLabel('Context window', { exact: true }).selectOption('16384');
  const reload = settings.getByRole('button', { name: /^Reload .* with these settings$/ });
  await reload.click();
  await expect(reload).toBeHidden({ timeout: 60_000 });
  await expectModelReady(page, wideKv);
  await gotoView(page, 'Chat');
  await expect(page.getByTestId('model-panel').getByTestId('context-in-use')).toContainText('16,384 tokens in use, of 16,384 trained');
  await expect(kvCache(page)).toHaveAttribute('data-type', 'q8_0');
  await expect(kvCache(page)).toHaveAttribute('data-value-type', 'q8_0');
  await expect(kvCache(page)).toHaveAttribute('data-flash-attention', 'on');
  // llama.cpp rotates keys and values before rounding them to 8 bits, and its log says so.
  await expect(kvCache(page)).toContainText(/^q8_0 \(Hadamard-rotated\), 136 MiB, flash attention on/);
  await expect(kvCache(page)).toContainText('an f32 cache would take 512 MiB for this window (Hearth allows 256 MiB)');

  // Real tokens come out of the 8-bit cache (a short reply: the random model may write only
  // newlines, for as long as it is let), and the next turn finds the first one in it.
  await setChatNumber(page, 'Max new tokens', 24);
  await sendMessage(page, 'Hello?');
  await waitForReply(page);
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
  await expect(lastReplyStats(page)).toContainText('on CPU, ');
  await expect(lastReplyStats(page)).toContainText(/decode [\d.]+ tok\/s · [\d,]+ prompt \+ [1-9][\d,]* completion tokens/);
  await sendMessage(page, 'And then?');
  await waitForReply(page);
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
  await expect(lastReplyStats(page)).toContainText(/ [1-9][\d,]* of [\d,]+ prompt tokens from cache/);
});

for (const [model, how, why] of [
  [oddHeads, 'its catalog entry gives the head sizes, so 8-bit is never asked for', 'an 8-bit cache cannot hold this model'],
  [oddHeadsSavedBefore, 'saved without head sizes, 8-bit is asked for, llama.cpp refuses it, and the model loads again', 'llama.cpp refused an 8-bit cache for this model'],
] as const) {
  test(`a model whose heads an 8-bit cache cannot hold loads with llama.cpp's f16 default, and the model details say why: ${how}`, async ({ page, host }) => {
    await openApp(page, host);
    // Its whole window: an f32 cache would take 320 MiB, past the budget.
    await gotoView(page, 'Settings');
    await page.getByTestId('engine-settings').getByLabel('Context window', { exact: true }).selectOption('16384');
    await useModel(page, model);
    await expect(kvCache(page)).toHaveAttribute('data-type', 'f16');
    await expect(kvCache(page)).toContainText(/^f16, 160 MiB, flash attention on/);
    await expect(kvCache(page)).toContainText(`f16, llama.cpp's default: ${why} (its attention heads are 80 values wide, not whole 32-value blocks of q8_0)`);
    await setChatNumber(page, 'Max new tokens', 24);
    await sendMessage(page, 'Hello?');
    await waitForReply(page);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
    await expect(lastReplyStats(page)).toContainText(/decode [\d.]+ tok\/s · [\d,]+ prompt \+ [1-9][\d,]* completion tokens/);
  });
}
