import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { engineStatus, lastReplyStats, loadModel, openChatWith, replies, runsOnNote, sendMessage, waitForReply } from './chatHarness';
import { stateGpuLimits } from './gpuLimits';
import { expect, expectCached, openApp, startDownload, test, testModels } from './harness';

// Headless Chromium offers WebGPU only through SwiftShader, with this flag.
test.use({ launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, '--enable-unsafe-webgpu'] } });

const mlcF16 = 'Tiny-Llama-q4f16-MLC';

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

test.describe('the GGUF engine tells the truth with a software WebGPU adapter', () => {
  test('Hearth chooses the CPU over SwiftShader, and llama.cpp reports the CPU', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText('(llama.cpp, CPU, ');
    await expect(runsOnNote(page)).toHaveText('Hearth chose the CPU (the only WebGPU adapter is a software fallback, slower than the CPU); llama.cpp put the model on the CPU.');
  });

  test('asked for WebGPU (all layers offered), llama.cpp keeps every buffer on the CPU and the app shows CPU', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed, 'webgpu');
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText('(llama.cpp, CPU, ');
    await expect(runsOnNote(page)).toHaveText('You chose WebGPU, but llama.cpp put the model on the CPU: its WebGPU backend did not take this GPU.');
    await sendMessage(page, 'Hello?');
    await waitForReply(page);
    await expect(lastReplyStats(page)).toContainText('on CPU, ');
  });
});

test.describe('a build too large for the GPU limits this device states', () => {
  test.use({ serviceWorkers: 'block' });

  test('gives a typed error in plain words before web-llm starts, suggests the CPU build, and keeps the conversation', async ({ page, host }) => {
    // A phone-like GPU, scaled to the test model: its largest tensor (the embedding) is 1 MiB.
    await stateGpuLimits(page, { maxBufferSize: 512 * 1024, maxStorageBufferBindingSize: 256 * 1024 });
    await openChatWith(page, host, testModels.programmed);
    await sendMessage(page, 'Keep this.');
    await waitForReply(page);

    await startDownload(page, testModels.mlc);
    await expectCached(page, testModels.mlc);
    host.clearRequests();
    await loadModel(page, testModels.mlc);
    const error = page.locator('[data-engine-error="TooLargeForDeviceError"]');
    await expect(error).toBeVisible({ timeout: 30_000 });
    await expect(error).toContainText('Too large for this GPU');
    await expect(error).toContainText('needs a single GPU buffer of 1.05 MB, but this GPU allows at most 262 KB');
    const suggestion = error.getByTestId('suggested-build');
    await expect(suggestion).toHaveAttribute('data-entry', /GGUF$/);
    await expect(suggestion).toHaveAttribute('data-device', 'cpu');
    await expect(suggestion).toContainText('llama.cpp on the CPU has no GPU buffer limits.');
    // Nothing was compiled or fetched, and the conversation is where it was.
    expect(host.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
    await expect(page.locator('[data-role="user"]').first()).toContainText('Keep this.');
    await expect(replies(page)).toHaveCount(1);
  });
});
