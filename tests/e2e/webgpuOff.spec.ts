import { artifactDevice, engineStatus, lastReplyStats, loadModel, openChatWith, runsOnNote, sendMessage, waitForReply } from './chatHarness';
import { expect, expectCached, modelRow, openApp, startDownload, test, testModels } from './harness';

test.describe('without WebGPU (headless Chromium default)', () => {
  test('the device check finds no WebGPU and recommends the CPU engine; a WebGPU build says why it cannot run', async ({ page, host }) => {
    await openApp(page, host);
    const device = page.getByTestId('device');
    await expect(device.getByTestId('webgpu')).toHaveAttribute('data-webgpu', 'false');
    await expect(device.getByTestId('recommendation')).toHaveAttribute('data-entry', /Q4_K_M-GGUF$/);
    await expect(device.getByTestId('recommendation')).toContainText('WebGPU is not available');
    await expect(modelRow(page, 'Llama-3.2-1B-Instruct-Q4_K_M-GGUF')).toContainText('recommended');

    await startDownload(page, testModels.mlc);
    await expectCached(page, testModels.mlc);
    await loadModel(page, testModels.mlc);
    const error = page.locator('[data-engine-error="WebGPUUnavailableError"]');
    await expect(error).toBeVisible({ timeout: 30_000 });
    await expect(error).toContainText('WebGPU is not available');
    await expect(error).toContainText('CPU (GGUF) build');
  });
});


test.describe('the GGUF engine tells the truth without WebGPU', () => {
  test('Hearth chooses the CPU, llama.cpp reports the CPU, and every reply says so', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = cores <= 4 ? cores : Math.min(8, cores - 1);
    const label = `CPU, ${threads} thread${threads === 1 ? '' : 's'}`;
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText(`(llama.cpp, ${label})`);
    await expect(artifactDevice(page)).toHaveText(`${label} of ${cores} cores`);
    await expect(runsOnNote(page)).toHaveText('Hearth chose the CPU (WebGPU is not available in this browser); llama.cpp put the model on the CPU.');
    await expect(page.getByTestId('cpu-threads')).toContainText(`llama.cpp uses ${threads} thread`);
    await sendMessage(page, 'Hello?');
    await waitForReply(page);
    await expect(lastReplyStats(page)).toContainText(`on ${label}`);
  });

  test('asked for WebGPU, it still shows CPU, with the reason llama.cpp gave', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed, 'webgpu');
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText('(llama.cpp, CPU, ');
    await expect(runsOnNote(page)).toHaveText('You chose WebGPU, but llama.cpp put the model on the CPU: its WebGPU backend found no GPU adapter.');
    await sendMessage(page, 'Hello?');
    await waitForReply(page);
    await expect(lastReplyStats(page)).toContainText('on CPU, ');
    await expect(lastReplyStats(page)).not.toContainText('WebGPU');
  });
});
