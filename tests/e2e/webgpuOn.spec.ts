import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { expect, expectCached, openApp, startDownload, test, testModels } from './harness';

// Headless Chromium offers WebGPU only through SwiftShader, with this flag.
test.use({ launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, '--enable-unsafe-webgpu'] } });

const mlcF16 = 'Tiny-Llama-q4f16-MLC';

async function loadModel(page: import('@playwright/test').Page, id: string): Promise<void> {
  await page.getByLabel('Model', { exact: true }).selectOption(id);
  await page.getByTestId('model-loader').getByRole('button', { name: /^(Load|Reload)$/ }).click();
}

test.describe('with WebGPU (SwiftShader, no shader-f16)', () => {
  test('the device check reports the software adapter without shader-f16 and recommends accordingly', async ({ page, host }) => {
    await openApp(page, host);
    const device = page.getByTestId('device');
    await expect(device.getByTestId('webgpu')).toHaveAttribute('data-webgpu', 'true');
    await expect(device.getByTestId('webgpu')).toContainText(/swiftshader|software fallback/i);
    await expect(device.getByTestId('shader-f16')).toHaveAttribute('data-f16', 'false');
    // A software adapter is slower than the CPU engine: the GGUF build is recommended, and why.
    await expect(device.getByTestId('recommendation')).toHaveAttribute('data-entry', /Q4_K_M-GGUF$/);
    await expect(device.getByTestId('recommendation')).toContainText('software fallback');
  });

  test('choosing an f16 build gives the missing shader-f16 error in plain words', async ({ page, host }) => {
    await openApp(page, host);
    await startDownload(page, mlcF16);
    await expectCached(page, mlcF16);
    await loadModel(page, mlcF16);
    const error = page.locator('[data-engine-error="ShaderF16MissingError"]');
    await expect(error).toBeVisible({ timeout: 30_000 });
    await expect(error).toContainText('16-bit');
    await expect(error).toContainText('q4f32_1');
  });

  test('the web-llm worker starts, and a model library that cannot load gives a typed error, not a hang', async ({ page, host }) => {
    await openApp(page, host);
    await startDownload(page, testModels.mlc);
    await expectCached(page, testModels.mlc);
    host.clearRequests();
    await loadModel(page, testModels.mlc);
    const error = page.locator('[data-engine-error="ModelLibraryError"]');
    await expect(error).toBeVisible({ timeout: 60_000 });
    await expect(error).toContainText('could not be loaded');
    // Everything web-llm read came from the verified store.
    expect(host.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
    // The app is still usable: the loader can be used again.
    await expect(page.getByTestId('model-loader').getByRole('button', { name: /^(Load|Reload)$/ })).toBeEnabled();
  });
});
