import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { defaultTestRepos, longContextTestRepo, startModelHost } from '../fixtures/modelHost';
import { benchModels, downloadModels, expect, openBenchmark, resultRow, runStatus } from './benchmarkHarness';
import { stateGpuLimits } from './gpuLimits';
import { test as base, expectModelReady, openApp, testModels } from './harness';

// WebGPU through SwiftShader, with the buffer limits of a small phone: the MLC build does not fit.
const test = base.extend({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const mlc = defaultTestRepos().filter((r) => r.repo === 'hearth-test/Tiny-Llama-MLC' || r.repo === 'hearth-test/model-libs');
    const host = await startModelHost({ port: 0, repos: [longContextTestRepo(benchModels.a, 11), ...mlc] });
    await use(host);
    await host.close();
  },
});
test.use({ launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, '--enable-unsafe-webgpu'] }, serviceWorkers: 'block' });

test('a model that cannot load (too large for this GPU) is a row with the reason in plain words, and the run goes on with the next model', async ({ page, host }) => {
  await stateGpuLimits(page, { maxBufferSize: 512 * 1024, maxStorageBufferBindingSize: 256 * 1024 });
  await openApp(page, host);
  await downloadModels(page, [testModels.mlc, benchModels.a]);
  await openBenchmark(page);
  await page.getByRole('button', { name: 'Start benchmark (2 models)' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-status', 'complete', { timeout: 90_000 });

  const failed = page.locator(`tbody[data-model="${testModels.mlc}"]`);
  await expect(failed).toHaveAttribute('data-model-status', 'error');
  const reason = failed.getByTestId('model-error');
  await expect(reason).toHaveAttribute('data-error', 'TooLargeForDeviceError');
  await expect(reason).toContainText('Too large for this GPU. This build needs a single GPU buffer of');
  // No raw exception text on the screen.
  await expect(reason).not.toContainText(/Error:|at \w+ \(|undefined/);
  await expect(failed.locator('tr[data-prompt]')).toHaveCount(0);
  for (const prompt of ['short', 'summary', 'code']) await expect(resultRow(page, benchModels.a, prompt)).toHaveAttribute('data-status', 'complete');
  await expect(page.getByTestId('benchmark-chart').getByRole('img')).toHaveAccessibleName(/Did not load: Too large for this GPU/);
  // The chat's model, unloaded for the run, is loaded again for the chat.
  await expectModelReady(page, benchModels.a);
});
