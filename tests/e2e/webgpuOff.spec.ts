import { expect, gotoView, modelRow, openApp, test, testModels } from './harness';

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
});
