import type { Page } from '@playwright/test';
import { expect, expectCached, modelRow, openApp, startDownload } from './harness';
import type { ModelHost } from '../fixtures/modelHost';

/** Where the GGUF engine should run: the loader's "Run on" choice. */
export type GgufDevice = 'auto' | 'webgpu' | 'cpu';

/**
 * Downloads a test model, loads it in the engine (a GGUF one on `device` when given), and waits
 * until chatting is possible.
 */
export async function openChatWith(page: Page, host: ModelHost, id: string, device?: GgufDevice): Promise<void> {
  await openApp(page, host);
  if ((await modelRow(page, id).getAttribute('data-status')) !== 'cached') {
    await startDownload(page, id);
    await expectCached(page, id);
  }
  await loadModel(page, id, device);
  await expect(page.getByTestId('engine-status')).toContainText(`Loaded ${id}`, { timeout: 60_000 });
}

/** Chooses a downloaded model (and, for a GGUF one, where it runs) and starts loading it. */
export async function loadModel(page: Page, id: string, device?: GgufDevice): Promise<void> {
  await page.getByLabel('Model', { exact: true }).selectOption(id);
  if (device) await page.getByLabel('Run on', { exact: true }).selectOption(device);
  await page.getByTestId('model-loader').getByRole('button', { name: /^(Load|Reload)$/ }).click();
}

/** Where the loaded model runs, as the header shows it: its device attribute and its text. */
export function engineStatus(page: Page) {
  return page.getByTestId('engine-status');
}

/** The device line of the artifact panel (label, cores, and llama.cpp's own account). */
export function artifactDevice(page: Page) {
  return page.getByTestId('artifact-device');
}

/** llama.cpp's (or web-llm's) own account of where the model runs, from the artifact panel. */
export function runsOnNote(page: Page) {
  return page.getByTestId('runs-on-note');
}

/** The stats line of the last reply. */
export function lastReplyStats(page: Page) {
  return replies(page).last().getByTestId('reply-stats');
}

/** Sets a conversation setting by its label (e.g. `Max new tokens`, `Temperature`). */
export async function setChatSetting(page: Page, label: 'Max new tokens' | 'Temperature', value: number): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await input.dispatchEvent('change');
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
  await page.getByLabel('Import JSON').setInputFiles({ name: 'conversation.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
}
