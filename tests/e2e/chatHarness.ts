import type { Locator, Page } from '@playwright/test';
import { engineStatus, expect, expectModelReady, gotoView, modelRow, openApp, startDownload } from './harness';
import type { ModelHost } from '../fixtures/modelHost';

/** Where llama.cpp runs GGUF builds: the Settings choice. */
export type GgufDevice = 'auto' | 'webgpu' | 'cpu';

/**
 * Downloads a test model (download and load are one flow), and opens the chat with it loaded;
 * with `device`, where llama.cpp runs GGUF builds is chosen in Settings first.
 */
export async function openChatWith(page: Page, host: ModelHost, id: string, device?: GgufDevice): Promise<void> {
  await openApp(page, host);
  if (device) await chooseGgufDevice(page, device);
  await useModel(page, id);
}

/** Chooses where llama.cpp runs GGUF builds, in Settings as a user would (used from the next load on). */
export async function chooseGgufDevice(page: Page, device: GgufDevice): Promise<void> {
  await gotoView(page, 'Settings');
  const select = page.getByLabel('Run GGUF builds on', { exact: true });
  await select.selectOption(device);
  await expect(select).toHaveValue(device);
}

/** Starts loading a downloaded model from the models view, as a user would ("Chat with this model"). */
export async function loadModel(page: Page, id: string): Promise<void> {
  await gotoView(page, 'Models');
  await modelRow(page, id).getByRole('button', { name: 'Chat with this model' }).click();
}

/** Gets a model ready from the models view (downloading it first if needed) and opens the chat. */
export async function useModel(page: Page, id: string): Promise<void> {
  await gotoView(page, 'Models');
  const row = modelRow(page, id);
  if ((await row.getAttribute('data-status')) !== 'cached') {
    await startDownload(page, id);
    await expect(row).toHaveAttribute('data-status', 'cached', { timeout: 60_000 });
  }
  await expectModelReadyOrChat(page, id);
  await gotoView(page, 'Chat');
  await expectModelReady(page, id);
}

async function expectModelReadyOrChat(page: Page, id: string): Promise<void> {
  const row = modelRow(page, id);
  // Downloading loads the model too; a model already on the device is loaded on request.
  const chatButton = row.getByRole('button', { name: 'Chat with this model' });
  if (await chatButton.isVisible()) await chatButton.click();
  await expectModelReady(page, id);
}

/** Opens the chat settings dialog, changes what `change` changes, and closes it. */
export async function withChatSettings(page: Page, change: () => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Chat settings' }).click();
  await change();
  await page.getByTestId('chat-settings').getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('chat-settings')).toBeHidden();
}

/** Sets a number of the chat settings as a user would (type, then leave the field). */
export async function setChatNumber(page: Page, label: 'Temperature' | 'Top-p' | 'Max new tokens', value: number): Promise<void> {
  await withChatSettings(page, async () => {
    const input = page.getByLabel(label, { exact: true });
    await input.fill(String(value));
    await input.blur();
    await expect(input).toHaveValue(String(value));
  });
}

export { engineStatus };

/** The device line of the artifact panel (label and cores). */
export function artifactDevice(page: Page) {
  return page.getByTestId('model-panel').getByTestId('artifact-device');
}

/** The engine's own account of where the model runs (llama.cpp's, or web-llm's), from the artifact panel. */
export function runsOnNote(page: Page) {
  return page.getByTestId('model-panel').getByTestId('runs-on-note');
}

/** The KV cache line of the artifact panel (type, size, flash attention), as llama.cpp reported it. */
export function kvCache(page: Page) {
  return page.getByTestId('model-panel').getByTestId('artifact-kv-cache');
}

/**
 * Long replies from the random model: greedy (its sampled replies can end on a stop token after
 * a couple of tokens) and as long as the app allows.
 */
export async function longReplies(page: Page): Promise<number> {
  await setChatNumber(page, 'Temperature', 0);
  const limit = await maxTokensLimit(page);
  await setChatNumber(page, 'Max new tokens', limit);
  return limit;
}

/** The largest "Max new tokens" the app allows for the loaded model. */
async function maxTokensLimit(page: Page): Promise<number> {
  let max = 0;
  await withChatSettings(page, async () => {
    max = Number(await page.getByLabel('Max new tokens', { exact: true }).getAttribute('max'));
  });
  return max;
}

/** The completion-token count a reply's stats show. */
export async function completionTokens(reply: ReturnType<typeof replies>): Promise<number> {
  const stats = await reply.getByTestId('reply-stats').innerText();
  const match = /([\d,]+) completion tokens/.exec(stats);
  expect(match, `stats: ${stats}`).not.toBeNull();
  return Number(match?.[1].replace(/,/g, ''));
}

/** The numbers of a reply's stats line: prompt and completion tokens, and how many prompt tokens came from the cache. */
export async function promptFigures(stats: Locator): Promise<{ prompt: number; completion: number; cached: number; of: number }> {
  const text = (await stats.textContent()) ?? '';
  const prompt = /([\d,]+) prompt \+ ([\d,]+) completion tokens/.exec(text);
  const cache = /([\d,]+) of ([\d,]+) prompt tokens from cache/.exec(text);
  if (!prompt || !cache) throw new Error(`no prompt or cache figures in "${text}"`);
  const n = (s: string): number => Number(s.replace(/,/g, ''));
  return { prompt: n(prompt[1]), completion: n(prompt[2]), cached: n(cache[1]), of: n(cache[2]) };
}

/** The stats line of the last reply. */
export function lastReplyStats(page: Page) {
  return replies(page).last().getByTestId('reply-stats');
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

/**
 * Imports a two-message conversation through the app's "Import JSON" control, as a user would
 * with a file: a way to put any text in an assistant message (the models can only say theirs).
 */
export async function importConversation(page: Page, options: { title: string; user: string; assistant: string }): Promise<void> {
  const now = Date.now();
  const file = {
    format: 'hearth-conversation',
    version: 1,
    conversation: {
      id: options.title,
      title: options.title,
      createdAt: now,
      updatedAt: now,
      model: null,
      settings: { systemPrompt: '', temperature: 0.6, topP: 0.9, maxTokens: 64 },
      messages: [
        { id: 'u1', role: 'user', content: options.user, createdAt: now, status: 'complete' },
        { id: 'a1', role: 'assistant', content: options.assistant, createdAt: now, status: 'complete' },
      ],
      branches: [],
    },
  };
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: /^Import a conversation/ }).click();
  await (await chooser).setFiles({ name: 'conversation.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
}
