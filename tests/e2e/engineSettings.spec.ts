import { lastReplyStats, openChatWith, sendMessage, waitForReply } from './chatHarness';
import { engineStatus, expect, expectModelReady, expectReady, gotoView, test, testModels } from './harness';

test("llama.cpp's threads and the context window are settings: applied by a reload of the model, shown where it runs, kept across visits", async ({ page, host }) => {
  await openChatWith(page, host, testModels.gguf);
  const panel = page.getByTestId('model-panel');
  await expect(panel.getByTestId('context-in-use')).toContainText('1,024 tokens in use, of 1,024 trained');

  await gotoView(page, 'Settings');
  const settings = page.getByTestId('engine-settings');
  const threads = settings.getByLabel('CPU threads for llama.cpp', { exact: true });
  const window = settings.getByLabel('Context window', { exact: true });
  await expect(window.locator('option').first()).toHaveText("The model's default (1,024 tokens)");
  await threads.selectOption('1');
  await window.selectOption('512');
  // The loaded model still runs as it was loaded: the settings offer to reload it.
  const reload = settings.getByRole('button', { name: 'Reload Tiny Llama GGUF with these settings' });
  await reload.click();
  await expect(engineStatus(page)).toContainText('llama.cpp on CPU, 1 thread', { timeout: 60_000 });
  await expectModelReady(page, testModels.gguf);
  await expect(reload).toBeHidden();
  await expect(settings.getByTestId('cpu-threads')).toHaveCount(0);
  await expect(page.getByTestId('device').getByTestId('cpu-threads')).toContainText('llama.cpp uses 1 thread');

  await gotoView(page, 'Chat');
  await expect(panel.getByTestId('context-in-use')).toContainText('512 tokens in use, of 1,024 trained');
  await sendMessage(page, 'Hello?');
  await waitForReply(page);
  await expect(lastReplyStats(page)).toContainText('on CPU, 1 thread ·');
  await expect(page.getByTestId('context-meter')).toContainText('of 512 tokens');

  // A new visit: the settings are kept, and the model reloads with them by itself.
  await page.reload();
  await expectReady(page);
  await expectModelReady(page, testModels.gguf);
  await expect(engineStatus(page)).toContainText('llama.cpp on CPU, 1 thread');
  await gotoView(page, 'Settings');
  await expect(threads).toHaveValue('1');
  await expect(window).toHaveValue('512');

  // Back to Hearth's choices: Automatic again, and the reload offered.
  await settings.getByRole('button', { name: "Back to Hearth's choices" }).click();
  await expect(threads).toHaveValue('');
  await expect(window).toHaveValue('');
  await expect(settings.getByLabel('Run GGUF builds on', { exact: true })).toHaveValue('auto');
  await expect(reload).toBeVisible();
});
