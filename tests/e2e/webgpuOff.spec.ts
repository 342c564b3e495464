import { artifactDevice, engineStatus, kvCache, lastReplyStats, openChatWith, runsOnNote, sendMessage, waitForReply } from './chatHarness';
import { expect, gotoView, modelRow, openApp, test, testModels } from './harness';

/** The threads Hearth gives llama.cpp on this machine (every core up to 4, then one left for the page). */
async function autoThreads(page: import('@playwright/test').Page): Promise<{ cores: number; threads: number; label: string }> {
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = cores <= 4 ? cores : Math.min(8, cores - 1);
  return { cores, threads, label: `CPU, ${threads} thread${threads === 1 ? '' : 's'}` };
}

test.describe('without WebGPU (headless Chromium default)', () => {
  test('the device check finds no WebGPU and starts with the CPU engine; WebGPU builds say why they cannot run and are never offered as downloads', async ({ page, host }) => {
    await openApp(page, host);
    // First run: one sentence about this device, one primary action with a CPU build.
    await expect(page.getByTestId('device-sentence')).toHaveText('This device has no WebGPU, so Hearth runs models on its 2 CPU cores.'.replace('2', String(await page.evaluate(() => navigator.hardwareConcurrency))));
    await expect(page.getByTestId('start')).toHaveAttribute('data-entry', testModels.gguf);
    await expect(page.getByTestId('start')).toContainText('CPU');

    await gotoView(page, 'Settings');
    await expect(page.getByTestId('device').getByTestId('webgpu')).toHaveAttribute('data-webgpu', 'false');

    await gotoView(page, 'Models');
    for (const id of [testModels.mlc, 'Tiny-Llama-q4f16-MLC', 'Llama-3.2-1B-Instruct-q4f16_1-MLC']) {
      const row = modelRow(page, id);
      await expect(row.getByRole('button', { name: 'Download' })).toBeDisabled();
      await expect(row.getByTestId('cannot-run')).toHaveText('Needs WebGPU, which this browser or device does not offer.');
    }
    // The CPU builds are offered; the recommended one is the host's own (it publishes a list).
    await expect(modelRow(page, testModels.gguf)).toContainText('recommended');
    await expect(modelRow(page, testModels.gguf).getByRole('button', { name: /^Download/ })).toBeEnabled();
    await expect(modelRow(page, 'Llama-3.2-1B-Instruct-Q4_K_M-GGUF').getByRole('button', { name: /^Download/ })).toBeEnabled();
  });

  test('the models view ranks the four ways to run a model with one plain reason each, naming the model and the threads llama.cpp uses', async ({ page, host }) => {
    await openApp(page, host);
    const { cores, threads } = await autoThreads(page);
    await gotoView(page, 'Models');
    const recommendation = page.getByTestId('recommendation');
    await expect(recommendation).toHaveAttribute('data-entry', testModels.gguf);
    await expect(recommendation).toContainText(`No WebGPU here, so llama.cpp runs it on the CPU with ${threads} thread${threads === 1 ? '' : 's'} of ${cores} cores.`);
    // A name, never a raw id; one reason, not one nested in another.
    await expect(recommendation.locator('p').first()).not.toContainText(testModels.gguf);
    await expect(recommendation.locator('p').first()).not.toContainText('adapter');
    await recommendation.getByText('All ways to run a model here, best first').click();
    const options = recommendation.getByTestId('ranking').locator('li');
    await expect(options).toHaveCount(4);
    expect(await options.evaluateAll((items) => items.map((li) => [li.getAttribute('data-option'), li.getAttribute('data-usable')]))).toEqual([
      ['webllm-f16', 'false'],
      ['webllm-f32', 'false'],
      ['llamacpp-webgpu', 'false'],
      ['llamacpp-cpu', 'true'],
    ]);
    await expect(options.first()).toContainText('No WebGPU here.');
    await expect(options.last()).toContainText(`llama.cpp runs on the CPU with ${threads} thread`);
  });
});

test.describe('the GGUF engine tells the truth without WebGPU', () => {
  test('Hearth chooses the CPU, llama.cpp reports the CPU, and every reply says so', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    const { cores, threads, label } = await autoThreads(page);
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText(`llama.cpp on ${label}`);
    await expect(page.getByTestId('runs-on')).toHaveText('CPU');
    await expect(artifactDevice(page)).toHaveText(`${label} of ${cores} cores`);
    await expect(runsOnNote(page)).toHaveText('Hearth chose the CPU (WebGPU is not available in this browser); llama.cpp put the model on the CPU.');
    // On the CPU, llama.cpp keeps the conversation in an f32 KV cache without flash attention, as
    // its own log says (the tiny model: 2 layers x 2 KV heads x 32 values x 4 B per token).
    await expect(kvCache(page)).toHaveAttribute('data-type', 'f32');
    await expect(kvCache(page)).toHaveAttribute('data-flash-attention', 'off');
    await expect(kvCache(page)).toContainText(/^f32, 0\.\d+ MiB, flash attention off/);
    await sendMessage(page, 'Hello?');
    await waitForReply(page);
    await expect(lastReplyStats(page)).toContainText(`on ${label}`);
    await gotoView(page, 'Settings');
    await expect(page.getByTestId('cpu-threads')).toContainText(`llama.cpp uses ${threads} thread`);
  });

  test('asked for WebGPU, it still shows CPU, with the reason llama.cpp gave', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed, 'webgpu');
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText('llama.cpp on CPU, ');
    await expect(runsOnNote(page)).toHaveText('You chose WebGPU, but llama.cpp put the model on the CPU: its WebGPU backend found no GPU adapter.');
    // Asked for WebGPU, llama.cpp keeps its own defaults, and says what they resolved to.
    await expect(kvCache(page)).toHaveAttribute('data-type', 'f16');
    await expect(kvCache(page)).toHaveAttribute('data-flash-attention', 'on');
    await sendMessage(page, 'Hello?');
    await waitForReply(page);
    await expect(lastReplyStats(page)).toContainText('on CPU, ');
    await expect(lastReplyStats(page)).not.toContainText('WebGPU');
  });
});
