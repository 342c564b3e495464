import { expect, expectCached, modelRow, openApp, startDownload, test, testModels } from './harness';

async function loadModel(page: import('@playwright/test').Page, id: string): Promise<void> {
  await page.getByLabel('Model', { exact: true }).selectOption(id);
  await page.getByTestId('model-loader').getByRole('button', { name: /^(Load|Reload)$/ }).click();
}

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

