import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { expect, gotoView, modelRow, openApp, startDownload, test, testModels } from './harness';

// Headless Chromium offers WebGPU only through SwiftShader, with this flag.
test.use({ launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, '--enable-unsafe-webgpu'] } });

const mlcF16 = 'Tiny-Llama-q4f16-MLC';

test.describe('with WebGPU (SwiftShader, no shader-f16)', () => {
  test('the device check reports the software adapter without shader-f16; f16 builds say why they cannot run, the CPU build is recommended', async ({ page, host }) => {
    await openApp(page, host);
    // A software adapter is slower than the CPU engine: the first run starts with the CPU build.
    await expect(page.getByTestId('device-sentence')).toContainText('software GPU');
    await expect(page.getByTestId('start')).toHaveAttribute('data-entry', testModels.gguf);

    await gotoView(page, 'Settings');
    const device = page.getByTestId('device');
    await expect(device.getByTestId('webgpu')).toHaveAttribute('data-webgpu', 'true');
    await expect(device.getByTestId('webgpu')).toContainText(/swiftshader|software adapter/i);
    await expect(device.getByTestId('shader-f16')).toHaveAttribute('data-f16', 'false');

    await gotoView(page, 'Models');
    const f16 = modelRow(page, mlcF16);
    await expect(f16.getByRole('button', { name: 'Download' })).toBeDisabled();
    await expect(f16.getByTestId('cannot-run')).toHaveText('Needs 16-bit GPU shaders (shader-f16), which this GPU does not offer.');
    // A q4f32_1 build runs here (slowly, on the software GPU) and is offered.
    await expect(modelRow(page, testModels.mlc).getByRole('button', { name: /^Download/ })).toBeEnabled();
    await expect(modelRow(page, testModels.mlc)).toContainText('software GPU');
  });

  test('the web-llm worker starts, and a model library that cannot load gives a typed error in plain words, not a hang', async ({ page, host }) => {
    await openApp(page, host);
    // Download and load are one flow: the (fake) model library fails to compile at the load.
    await startDownload(page, testModels.mlc);
    const row = modelRow(page, testModels.mlc);
    await expect(row).toHaveAttribute('data-status', 'cached', { timeout: 60_000 });
    const error = row.locator('[data-engine-error="ModelLibraryError"]');
    await expect(error).toBeVisible({ timeout: 60_000 });
    await expect(error).toContainText('could not be loaded');
    await expect(page.getByTestId('engine-status')).toHaveAttribute('data-state', 'failed');
    // Everything web-llm read came from the verified store.
    host.clearRequests();
    await row.getByRole('button', { name: 'Chat with this model' }).click();
    await expect(row.locator('[data-engine-error="ModelLibraryError"]')).toBeVisible({ timeout: 60_000 });
    expect(host.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
    // The app is still usable: the model can be tried again.
    await expect(row.getByRole('button', { name: 'Chat with this model' })).toBeEnabled();
  });
});
