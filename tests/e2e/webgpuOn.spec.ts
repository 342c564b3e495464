import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { engineStatus, openChatWith, replies, runsOnNote, sendMessage, waitForReply, lastReplyStats } from './chatHarness';
import { stateGpuLimits } from './gpuLimits';
import { expect, expectModelReady, gotoView, modelRow, openApp, startDownload, test, testModels } from './harness';

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

test.describe('the GGUF engine tells the truth with a software WebGPU adapter', () => {
  test('Hearth chooses the CPU over SwiftShader, and llama.cpp reports the CPU', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText('llama.cpp on CPU, ');
    await expect(runsOnNote(page)).toHaveText('Hearth chose the CPU (the only WebGPU adapter is a software fallback, slower than the CPU); llama.cpp put the model on the CPU.');
    // The ranking says why no GPU option is used here, once.
    await gotoView(page, 'Models');
    const recommendation = page.getByTestId('recommendation');
    await expect(recommendation).toContainText('The only GPU here is a software one, slower than the CPU, so llama.cpp runs it on the CPU');
    await expect(recommendation.getByTestId('ranking').locator('li[data-usable="true"]')).toHaveCount(1);
  });

  test('asked for WebGPU (all layers offered), llama.cpp keeps every buffer on the CPU and the app shows CPU', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed, 'webgpu');
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    await expect(engineStatus(page)).toContainText('llama.cpp on CPU, ');
    await expect(runsOnNote(page)).toHaveText('You chose WebGPU, but llama.cpp put the model on the CPU: its WebGPU backend did not take this GPU.');
    await sendMessage(page, 'Hello?');
    await waitForReply(page);
    await expect(lastReplyStats(page)).toContainText('on CPU, ');
  });
});

test.describe('a build too large for the GPU limits this device states', () => {
  test.use({ serviceWorkers: 'block' });

  test('gives a typed error in plain words before web-llm starts, offers the CPU build as an action, and keeps the conversation', async ({ page, host }) => {
    // A phone-like GPU, scaled to the test model: its largest tensor (the embedding) is 1 MiB.
    await stateGpuLimits(page, { maxBufferSize: 512 * 1024, maxStorageBufferBindingSize: 256 * 1024 });
    await openChatWith(page, host, testModels.programmed);
    await sendMessage(page, 'Keep this.');
    await waitForReply(page);

    // Download and load are one flow: the load after the download is refused.
    await startDownload(page, testModels.mlc);
    const row = modelRow(page, testModels.mlc);
    await expect(row).toHaveAttribute('data-status', 'cached', { timeout: 60_000 });
    const error = row.locator('[data-engine-error="TooLargeForDeviceError"]');
    await expect(error).toBeVisible({ timeout: 30_000 });
    await expect(error).toContainText('Too large for this GPU');
    await expect(error).toContainText('needs a single GPU buffer of 1.05 MB, but this GPU allows at most 262 KB');
    // Tried again: refused before anything is compiled or fetched.
    host.clearRequests();
    await page.evaluate(() => {
      const status = document.querySelector<HTMLElement>('[data-testid="engine-status"]');
      const seen: string[] = [];
      if (status) new MutationObserver(() => seen.push(status.dataset.state ?? '')).observe(status, { attributes: true, attributeFilter: ['data-state'] });
      (window as unknown as { __states: string[] }).__states = seen;
    });
    await row.getByRole('button', { name: 'Chat with this model' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __states: string[] }).__states.join(' ')), { timeout: 30_000 }).toMatch(/loading.* failed$/);
    await expect(error).toBeVisible();
    expect(host.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);

    const suggestion = error.getByTestId('suggested-build');
    await expect(suggestion).toHaveAttribute('data-entry', /GGUF$/);
    await expect(suggestion).toHaveAttribute('data-device', 'cpu');
    await expect(suggestion).toContainText('llama.cpp on the CPU has no GPU buffer limits.');
    const suggested = (await suggestion.getAttribute('data-entry')) ?? '';
    // The suggestion is an action: the CPU build loads, on the CPU.
    await suggestion.getByRole('button', { name: / on the CPU instead$/ }).click();
    await expectModelReady(page, suggested);
    await expect(engineStatus(page)).toHaveAttribute('data-device', 'cpu');
    // The conversation is where it was.
    await gotoView(page, 'Chat');
    await expect(page.locator('[data-role="user"]').first()).toContainText('Keep this.');
    await expect(replies(page)).toHaveCount(1);
  });
});
